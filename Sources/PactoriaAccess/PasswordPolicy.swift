import Foundation
import PactoriaCore
public import PactoriaWorkspace

/// What a new password must be: at least 12 characters, not one of the 10,000 most common
/// passwords, and not containing the account's email or its local part.
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumLength = 1024

    /// The common passwords, lowercase, parsed once from the generated list.
    static let common: Set<Substring> = Set(CommonPasswordList.text.split(separator: "\n"))

    /// How many common passwords are refused.
    public static var commonCount: Int { common.count }

    public static func isCommon(_ password: String) -> Bool { common.contains(Substring(password.lowercased())) }

    /// Throws `invalidInput(field: "password")` naming what is wrong; never echoes the password.
    public static func check(_ password: String, email: String) throws(WorkspaceError) {
        guard password.count >= minimumLength else {
            throw .invalidInput(field: "password", message: "must be at least \(minimumLength) characters")
        }
        guard password.utf8.count <= maximumLength else {
            throw .invalidInput(field: "password", message: "must be at most \(maximumLength) bytes")
        }
        guard !password.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw .invalidInput(field: "password", message: "must not contain a NUL character")
        }
        guard !isCommon(password) else {
            throw .invalidInput(field: "password", message: "is one of the most common passwords; choose another")
        }
        let lower = password.lowercased()
        let address = email.lowercased()
        let local = address.split(separator: "@").first.map(String.init) ?? address
        if !address.isEmpty && lower.contains(address) || local.count >= 3 && lower.contains(local) {
            throw .invalidInput(field: "password", message: "must not contain your email address or its name part")
        }
    }
}

/// The names the access layer stores (a user's full name, a registrant's company) follow the
/// shared free-text rules of `Validator`: one line, no control characters, no markup, bounded.
enum AccessText {
    static func check(_ text: String, field: String, maxLength: Int) throws(WorkspaceError) {
        guard !text.trimmingSpaces().isEmpty else { throw .invalidInput(field: field, message: "must not be empty") }
        if let first = Validator.validateText(text, field: field, maxLength: maxLength).first {
            throw .invalidInput(field: field, message: first.message)
        }
    }

    /// An email address: the syntax, and nothing `Validator` refuses in text.
    static func checkEmail(_ email: String) throws(WorkspaceError) {
        guard Validator.isEmail(email), Validator.forbiddenCharacter(in: email, multiline: false) == nil,
            email.count <= Validator.maxEmailLength
        else { throw .invalidInput(field: "email", message: "'\(printable(email))' is not an email address") }
    }

    /// `text` with control characters shown as `?`, for one-line messages.
    static func printable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.prefix(100).map {
                    $0.properties.generalCategory == .control || $0.properties.generalCategory == .lineSeparator
                        || $0.properties.generalCategory == .paragraphSeparator ? "?" : $0
                }))
    }
}
