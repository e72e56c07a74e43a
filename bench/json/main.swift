// `bench/json.sh`: the API's JSON writer (Sources/PactoriaServer/Support/JSONWriter.swift, compiled
// beside this file) against Foundation's JSONEncoder with the same output options, on a page of
// contract summaries shaped as `ContractSummaryJSON` (the list route's body). Checks that both
// write the same bytes, then prints the time per page for each.
import Foundation

struct Money: Encodable {
    var amount: String
    var currency: String
}

struct PartySummary: Encodable {
    var name: String
    var company: String?

    enum CodingKeys: String, CodingKey { case name, company }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(company, forKey: .company)
    }
}

struct Summary: Encodable {
    var id, company, stem, path, title, contractType, status: String
    var version: Int
    var client, supplier: PartySummary?
    var contractValue: Money?
    var startDate, endDate, updatedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, company, stem, path, title, status, version, client, supplier
        case contractType = "contract_type", contractValue = "contract_value", startDate = "start_date"
        case endDate = "end_date", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(company, forKey: .company)
        try c.encode(stem, forKey: .stem)
        try c.encode(path, forKey: .path)
        try c.encode(title, forKey: .title)
        try c.encode(contractType, forKey: .contractType)
        try c.encode(status, forKey: .status)
        try c.encode(version, forKey: .version)
        try c.encode(client, forKey: .client)
        try c.encode(supplier, forKey: .supplier)
        try c.encode(contractValue, forKey: .contractValue)
        try c.encode(startDate, forKey: .startDate)
        try c.encode(endDate, forKey: .endDate)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

struct Page: Encodable {
    var contracts: [Summary]
    var total, page, size, pages: Int
    var scores: [String: Double]
}

let size = Int(CommandLine.arguments.dropFirst().first ?? "20") ?? 20
let iterations = Int(CommandLine.arguments.dropFirst(2).first ?? "2000") ?? 2000
let page = Page(
    contracts: (0..<size).map { i in
        Summary(
            id: UUID().uuidString.lowercased(), company: "brickline-digital", stem: "website-redesign-\(i)",
            path: "companies/brickline-digital/contracts/website-redesign-\(i).yaml",
            title: "Website Redesign \"Phase \(i)\" / Hosting", contractType: "service_agreement", status: "active",
            version: 3, client: PartySummary(name: "Harbour Foods Ltd", company: "Harbour Foods Group"), supplier: nil,
            contractValue: Money(amount: "15000.00", currency: "GBP"), startDate: "2026-01-01", endDate: nil,
            updatedAt: "2026-03-04T10:00:00Z")
    }, total: 2000, page: 1, size: size, pages: 2000 / max(1, size),
    scores: ["overall": 0.82, "gdpr": 0.5, "employment_law": 1.0])

let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
let mine = try JSONWriter.bytes(page)
let foundation = Array(try encoder.encode(page))
guard mine == foundation else {
    print("DIFFERENT OUTPUT\nJSONWriter:  \(String(decoding: mine, as: UTF8.self))")
    print("JSONEncoder: \(String(decoding: foundation, as: UTF8.self))")
    exit(1)
}

func time(_ name: String, _ body: () throws -> Int) rethrows -> Double {
    var bytes = 0
    for _ in 0..<max(1, iterations / 10) { bytes &+= try body() }  // warm-up
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iterations { bytes &+= try body() }
    let perPage = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(iterations)
    print("\(name): \(String(format: "%.1f", perPage)) µs per page (\(mine.count) bytes)")
    return perPage
}

print("a page of \(size) contract summaries, \(iterations) iterations; both write the same bytes")
let a = try time("JSONEncoder(sortedKeys)") { try encoder.encode(page).count }
let b = try time("JSONWriter             ") { try JSONWriter.bytes(page).count }
print("JSONWriter takes \(String(format: "%.0f", 100 * b / a))% of JSONEncoder's time")
