import Foundation
import PactoriaAI
import PactoriaCore

/// Shared fixtures for the AI module tests.
enum Fixtures {
    /// The repository's `templates/` directory.
    static let templatesDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()  // AITests
        url.deleteLastPathComponent()  // Tests
        url.deleteLastPathComponent()  // repository root
        return url.appendingPathComponent("templates").path
    }()

    static let catalog: TemplateCatalog = {
        do {
            return try TemplateCatalog.load(directory: templatesDirectory)
        } catch {
            fatalError("built-in templates do not load: \(error)")
        }
    }()

    /// A professional services contract with every metadata field set.
    static func servicesContract(
        plainEnglish: String? = "Three months of web development consulting for Acme: rebuild the customer portal "
            + "and train Acme's staff to maintain it. Fees of £5,000 a month, paid within 14 days of invoice.",
        value: ContractValue? = ContractValue(amount: "15000.00", currency: "GBP"),
        startDate: String? = "2026-02-01", endDate: String? = "2026-04-30"
    ) -> Contract {
        Contract(
            id: "acme-portal", title: "Customer Portal Rebuild", contractType: "service_agreement",
            plainEnglishInput: plainEnglish,
            client: Party(name: "Acme Widgets Ltd", email: "legal@acme.example", companyNumber: "01234567"),
            supplier: Party(
                name: "Brightline Digital Ltd", email: "hello@brightline.example", companyNumber: "07654321"),
            value: value, startDate: startDate, endDate: endDate, templateID: "template-service-001")
    }

    /// A contract of `template`'s type with full party and value metadata.
    static func contract(for template: Template) -> Contract {
        Contract(
            id: "contract-\(template.id)", title: template.name, contractType: template.contractType.rawValue,
            plainEnglishInput: "Twelve months of work for the client, including monthly progress reports. "
                + "Fees of £2,000 a month.",
            client: Party(name: "Acme Widgets Ltd", email: "legal@acme.example", companyNumber: "01234567"),
            supplier: Party(
                name: "Brightline Digital Ltd", email: "hello@brightline.example", companyNumber: "07654321"),
            value: ContractValue(amount: "24000.00", currency: "GBP"), startDate: "2026-01-05",
            endDate: "2027-01-04", templateID: template.id)
    }

    /// A fresh empty temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "pactoria-ai-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
