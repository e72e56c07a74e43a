import ArgumentParser
import PactoriaCore
import PactoriaWorkspace

struct CompanyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "company",
        abstract: "Add and list the companies in the workspace.",
        subcommands: [Add.self, ListCompanies.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a company (a directory under companies/).",
            discussion: """
                Examples:
                  pactoria company add "Thames Digital Ltd"
                  pactoria company add "Thames Digital Ltd" --slug thames --tier professional --number 09876543
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The company's name.") var name: String
        @Option(help: "Directory name ([a-z0-9-]); made from the name when omitted.") var slug: String?
        @Option(help: "Subscription tier: starter, professional or business.") var tier = "starter"
        @Option(help: "Companies House number.") var number: String?

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let c = try Companies.add(ws, name: name, slug: slug, tier: tier, companyNumber: number)
                Terminal.out("Added company \(c.slug) (companies/\(c.slug)/company.yaml)")
            }
        }
    }

    struct ListCompanies: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List companies.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let listed = Companies.list(ws)
                if json {
                    JSON.print(
                        listed.map { l in
                            CompanyJSON(
                                slug: l.company.slug, name: l.company.name, companyNumber: l.company.companyNumber,
                                subscriptionTier: l.company.subscriptionTier, contracts: l.contracts,
                                problems: l.problems.map(\.description))
                        })
                    return
                }
                var t = Table()
                t.add(["SLUG", "NAME", "NUMBER", "TIER", "CONTRACTS"])
                for l in listed {
                    t.add([
                        l.company.slug, l.company.name, l.company.companyNumber ?? "-", l.company.subscriptionTier,
                        String(l.contracts),
                    ])
                }
                t.render().forEach { Terminal.out($0) }
                for l in listed { for p in l.problems { Terminal.err("warning: \(p)") } }
            }
        }
    }
}
