public import PactoriaCore

/// A valid contract with every known field set, shared by the Core and Workspace suites.
public func fixtureContract(
    plainEnglishInput: String = "Three months of design and build work on our public website, paid monthly."
) -> Contract {
    Contract(
        id: "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b",
        title: "Website Redesign Services Agreement",
        contractType: "service_agreement",
        status: "active",
        plainEnglishInput: plainEnglishInput,
        client: Party(
            name: "Harbour Foods Ltd", email: "procurement@harbourfoods.co.uk", company: "Harbour Foods Ltd",
            companyNumber: "04567890", role: "Client"),
        supplier: Party(
            name: "Thames Digital Ltd", email: "contracts@thamesdigital.co.uk", company: "Thames Digital Ltd",
            companyNumber: "09876543", role: "Supplier"),
        value: ContractValue(amount: "15000.00", currency: "GBP"),
        startDate: "2026-02-01",
        endDate: "2026-04-30",
        templateID: "template-service-001",
        version: 3,
        createdBy: "Jane Smith <jane@thamesdigital.co.uk>",
        createdAt: "2026-01-20T10:15:00Z",
        updatedAt: "2026-02-03T16:40:00Z")
}
