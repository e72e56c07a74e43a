import Foundation

/// How one `credential.helper` value is run.
public enum CredentialHelper: Sendable, Equatable {
    /// `!command` or an absolute path (with arguments): run by `/bin/sh -c "<command> <action>"`.
    case shell(String)
    /// git's built-in `store`, done natively; `file` is its `--file` option.
    case store(file: String?)
    /// git's built-in `cache` needs git's daemon: skipped.
    case cache
    /// Any other name: `git-credential-<name>` looked up on `PATH`, with the given arguments.
    case named(String, arguments: String)

    public init(_ helper: String) {
        if helper.hasPrefix("!") {
            self = .shell(String(helper.dropFirst()))
            return
        }
        if helper.hasPrefix("/") {
            self = .shell(helper)
            return
        }
        let trimmed = helper.trimmingCharacters(in: .whitespacesAndNewlines)
        let nameEnd = trimmed.firstIndex(where: \.isWhitespace) ?? trimmed.endIndex
        let name = String(trimmed[..<nameEnd])
        let arguments = String(trimmed[nameEnd...]).trimmingCharacters(in: .whitespacesAndNewlines)
        switch name {
        case "store":
            var file: String?
            let words = shellWords(arguments)
            for (i, word) in words.enumerated() {
                if word.hasPrefix("--file=") {
                    file = String(word.dropFirst("--file=".count))
                } else if word == "--file", i + 1 < words.count {
                    file = words[i + 1]
                }
            }
            self = .store(file: file)
        case "cache":
            self = .cache
        default:
            self = .named(name, arguments: arguments)
        }
    }
}
