import Foundation
import PactoriaCrypto

/// The claims of a Pactoria access token.
public struct TokenClaims: Sendable, Equatable {
    public var subject: String
    public var company: String
    public var role: String
    public var issuedAt: Int64
    public var expiresAt: Int64
    public var notBefore: Int64?
    public var issuer: String
    public var audience: String
    /// The user's token generation when the token was issued (`gen`). A token is honoured only
    /// while it equals the user's current generation, which every revocation raises.
    public var generation: Int64?

    public init(
        subject: String, company: String, role: String, issuedAt: Int64, expiresAt: Int64, notBefore: Int64? = nil,
        issuer: String = JWT.issuer, audience: String = JWT.audience, generation: Int64? = nil
    ) {
        self.subject = subject
        self.company = company
        self.role = role
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuer = issuer
        self.audience = audience
        self.generation = generation
    }
}

/// JSON Web Tokens, HS256 only, signed and checked with libcrypto's HMAC-SHA256.
public enum JWT {
    public static let issuer = "pactoria-api"
    public static let audience = "pactoria-app"
    /// Clock skew tolerated on exp/nbf/iat, in seconds.
    public static let leeway: Int64 = 30

    public enum Failure: Error, Sendable, Equatable {
        case malformed, badAlgorithm, badSignature, expired, notYetValid, wrongIssuer, wrongAudience
    }

    public static func sign(_ c: TokenClaims, key: [UInt8]) -> String {
        let header = #"{"alg":"HS256","typ":"JWT"}"#
        var payload: [String: Any] = [
            "sub": c.subject, "company": c.company, "role": c.role, "iat": c.issuedAt, "exp": c.expiresAt,
            "iss": c.issuer, "aud": c.audience,
        ]
        if let nbf = c.notBefore { payload["nbf"] = nbf }
        if let gen = c.generation { payload["gen"] = gen }
        let body = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])) ?? Data()
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(body))
        let mac = HMAC.sha256(key: key, message: Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(mac)
    }

    /// Verifies signature, algorithm, time window, issuer and audience.
    public static func verify(_ token: String, key: [UInt8], now: Int64) throws(Failure) -> TokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(String(parts[0])),
            let payloadBytes = Base64URL.decode(String(parts[1])), let signature = Base64URL.decode(String(parts[2]))
        else { throw .malformed }
        guard let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any] else {
            throw .malformed
        }
        guard header["alg"] as? String == "HS256" else { throw .badAlgorithm }
        let expected = HMAC.sha256(key: key, message: Array((parts[0] + "." + parts[1]).utf8))
        guard constantTimeEquals(expected, signature) else { throw .badSignature }
        guard let p = try? JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any],
            let sub = p["sub"] as? String, let company = p["company"] as? String, let role = p["role"] as? String,
            let iat = int(p["iat"]), let exp = int(p["exp"])
        else { throw .malformed }
        guard p["iss"] as? String == issuer else { throw .wrongIssuer }
        let aud = p["aud"]
        let audOK = (aud as? String) == audience || ((aud as? [String])?.contains(audience) ?? false)
        guard audOK else { throw .wrongAudience }
        guard now < exp + leeway else { throw .expired }
        let nbf = int(p["nbf"])
        if let nbf, now + leeway < nbf { throw .notYetValid }
        if now + leeway < iat { throw .notYetValid }
        return TokenClaims(
            subject: sub, company: company, role: role, issuedAt: iat, expiresAt: exp, notBefore: nbf, issuer: issuer,
            audience: audience, generation: int(p["gen"]))
    }

    static func int(_ v: Any?) -> Int64? {
        if let n = v as? NSNumber {
            // Booleans bridge to NSNumber too; refuse them.
            if isJSONBoolean(n) { return nil }
            return n.int64Value
        }
        return nil
    }

    static func isJSONBoolean(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c" && (n == NSNumber(value: true) || n == NSNumber(value: false))
    }
}
