import Foundation
import PactoriaCore
import PactoriaWorkspace
import Testing

@testable import PactoriaServer

/// The API's JSON writer must write, for every typed body, the bytes `JSONEncoder` writes with
/// sorted keys and unescaped slashes (`bench/json.sh` shows why it is kept: it takes about 60% of
/// the encoder's time).
@Suite struct JSONWriterTests {
    static let foundation: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func expectSameBytes(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let mine = String(decoding: try JSONWriter.bytes(value), as: UTF8.self)
        let theirs = String(decoding: try foundation.encode(value), as: UTF8.self)
        #expect(mine == theirs, sourceLocation: sourceLocation)
    }

    static let samples: [JSONValue] = [
        .object([
            "b": .int(1), "a": .string("x"), "contract_type": .string("nda"), "contracts": .array([.int(1), .int(2)]),
            "_z": .null, "Z": .bool(false),
        ]),
        .object(["text": .string("quote \" backslash \\ slash / newline \n tab \t bell \u{07} pound £ emoji 🙂")]),
        .object([
            "flags": .array([.bool(true), .bool(false)]), "score": .double(0.85), "whole": .double(3.0),
            "big": .int(9_000_000_000), "neg": .int(-12), "tiny": .double(0.125),
        ]),
        .object([
            "nested": .array([.object(["id": .string("a"), "value": .object(["amount": .string("15000.00")])])]),
            "empty": .array([]), "none": .object([:]),
        ]),
        .string("top-level"), .null, .int(7),
    ]

    @Test(arguments: 0..<samples.count)
    func writesWhatJSONEncoderWrites(_ i: Int) throws {
        try Self.expectSameBytes(Self.samples[i])
    }

    @Test func contractShapes() throws {
        let contract = Contract(
            id: "3f2b8c1e-0000-4000-8000-000000000001", title: "Website \"Build\" / Hosting",
            contractType: "service_agreement", status: "active",
            client: Party(name: "Acme Ltd", email: "ops@acme.co.uk", company: "Acme Holdings"),
            value: ContractValue(amount: "1250.00", currency: "GBP"), startDate: "2026-01-01", version: 3,
            lifecycle: LifecycleRecord(events: [
                "submitted": LifecycleStamp(by: "A <a@b.c>", at: "2026-01-02T10:00:00Z")
            ]))
        let detail = ContractDetailJSON(
            ref: ContractRef(company: "brickline", stem: "website-build"), contract: contract, document: nil)
        try Self.expectSameBytes(detail)
        try Self.expectSameBytes(ContractWriteResponse(contract: detail, commit: "abc123", transition: nil))
        try Self.expectSameBytes(
            ContractWriteResponse(
                contract: detail, commit: nil,
                transition: .init(action: "submit", from: "draft", to: "pending_review", event: "contract.submitted")))
        try Self.expectSameBytes(APIError.Body(error: "validation_error", detail: "title: is required", field: "title"))
        try Self.expectSameBytes(APIError.Body(error: "not_found", detail: "no contract", field: nil))
    }

    @Test func notANumberIsAnError() {
        #expect(throws: EncodingError.self) { try JSONWriter.bytes(JSONValue.double(.nan)) }
    }
}
