import ArgumentParser
import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaDrafting
import PactoriaWorkspace

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a draft contract: its metadata and a Markdown skeleton.",
        discussion: """
            Writes companies/<company>/contracts/<stem>.yaml and .md (status draft, version 1) and
            prints the stem and id. Nothing is committed: review, then `pactoria commit`.

            Types: \(ContractType.allNames)

            Examples:
              pactoria new --company thames-digital --title "Website Redesign" --type service_agreement \\
                --client "Harbour Foods Ltd" --client-email ops@harbourfoods.co.uk --value 15000.00 \\
                --start 2027-01-04 --end 2027-03-31 \\
                --input "Three months of design and build work, paid monthly"
              pactoria new --company thames-digital --title "Mutual NDA with Acme" --type nda --client "Acme Ltd"
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Company slug.") var company: String
    @Option(help: "Title (1–200 characters).") var title: String
    @Option(help: "Contract type (default: the template's).") var type: String?
    @Option(help: "Client name.") var client: String
    @Option(name: .customLong("client-email"), help: "Client email.") var clientEmail: String?
    @Option(name: .customLong("client-company"), help: "Client's company name.") var clientCompany: String?
    @Option(name: .customLong("client-number"), help: "Client's Companies House number.") var clientNumber: String?
    @Option(help: "Supplier name.") var supplier: String?
    @Option(name: .customLong("supplier-email"), help: "Supplier email.") var supplierEmail: String?
    @Option(help: "Contract value as a decimal, e.g. 15000.00.") var value: String?
    @Option(help: "Currency: GBP, EUR or USD (default from the workspace).") var currency: String?
    @Option(help: "Start date, YYYY-MM-DD.") var start: String?
    @Option(help: "End date, YYYY-MM-DD.") var end: String?
    @Option(help: "What you need, in plain English.") var input: String?
    @Option(name: .customLong("input-file"), help: "Read the plain-English input from a file.") var inputFile: String?
    @Option(name: .customLong("template"), help: "Template id.") var templateID: String?
    @Option(help: "Author, as 'Name <email>'.") var author: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if input != nil && inputFile != nil { throw ValidationError("give --input or --input-file, not both") }
    }

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            var text = input
            if let inputFile {
                guard let data = FileManager.default.contents(atPath: inputFile) else {
                    throw .io(path: inputFile, message: "cannot read")
                }
                text = String(decoding: data, as: UTF8.self)
            }
            var contractType = type
            if let templateID {
                let template = try Drafting.template(ws, id: templateID)
                if let type, type != template.contractType.rawValue {
                    throw .invalidInput(
                        field: "--type",
                        message:
                            "\(type) does not match template \(templateID), which is a \(template.contractType.rawValue)"
                    )
                }
                contractType = template.contractType.rawValue
            }
            guard let contractType else { throw .invalidInput(field: "--type", message: "give --type or --template") }
            let r = try NewContract.run(
                ws,
                .init(
                    company: company, title: title, type: contractType,
                    client: Party(
                        name: client, email: clientEmail, company: clientCompany, companyNumber: clientNumber,
                        role: "Client"),
                    supplier: supplier.map { Party(name: $0, email: supplierEmail, role: "Supplier") }, value: value,
                    currency: currency, startDate: start, endDate: end, plainEnglishInput: text, templateID: templateID,
                    author: author))
            if json {
                JSON.print(["id": r.contract.id, "stem": r.ref.stem, "company": r.ref.company, "path": r.ref.yamlPath])
            } else {
                Terminal.out("Created \(r.ref) \(r.contract.id)")
            }
        }
    }
}
