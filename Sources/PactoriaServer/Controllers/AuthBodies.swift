import Hummingbird
import PactoriaAccess
import PactoriaWorkspace

// Request and response bodies of `/api/v1/auth`.

/// `POST /auth/login`.
struct LoginBody: Decodable {
    var email: String
    var password: String

    enum CodingKeys: String, CodingKey {
        case email, password
    }
}

/// `POST /auth/register`.
struct RegisterBody: Decodable {
    var email: String
    var fullName: String
    var password: String
    var companyName: String
    var timezone: String?

    enum CodingKeys: String, CodingKey {
        case email, password, timezone
        case fullName = "full_name"
        case companyName = "company_name"
    }
}

/// A user as the API shows one.
struct UserJSON: Encodable {
    var email: String
    var fullName: String
    var role: String
    var company: String

    init(_ u: User) {
        email = u.email
        fullName = u.fullName
        role = u.role.rawValue
        company = u.company
    }

    enum CodingKeys: String, CodingKey {
        case email, role, company
        case fullName = "full_name"
    }
}

/// A bearer token, how long it lasts (seconds) and whose it is.
struct LoginResponse: ResponseEncodable {
    var accessToken: String
    var tokenType = "bearer"
    var expiresIn: Int64
    var user: UserJSON

    init(accessToken: String, expiresIn: Int64, user: UserJSON) {
        self.accessToken = accessToken
        self.expiresIn = expiresIn
        self.user = user
    }

    enum CodingKeys: String, CodingKey {
        case user
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
    }
}

/// The new admin's token, the admin and the company made.
struct RegisterResponse: ResponseEncodable {
    var token: String
    var user: UserJSON
    var company: Company

    struct Company: Encodable {
        var name: String
        var slug: String
        var subscriptionTier: String

        enum CodingKeys: String, CodingKey {
            case name, slug
            case subscriptionTier = "subscription_tier"
        }
    }

    enum CodingKeys: String, CodingKey {
        case token, user, company
    }
}
