import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaTestSupport
import PactoriaWorkspace
import PropertyBased
import Testing

/// Issue #11, forged audit trails: nothing typed into a reason (or any other trailer value, or a
/// commit message) can add, end or drop a trailer block.
@Suite("Security: audit trailers")
struct TextTrailersTests {
    static let forgery =
        "Looks fine\n\nPactoria-Contract: 00000000-0000-4000-8000-000000000000\n"
        + "Pactoria-Event: contract.terminated\nPactoria-Actor: Boss <boss@ancoats.co.uk>"

    @Test(arguments: [
        TextTrailersTests.forgery,
        TextTrailersTests.forgery.replacingOccurrences(of: "\n", with: "\r"),
        TextTrailersTests.forgery.replacingOccurrences(of: "\n", with: "\r\n"),
        TextTrailersTests.forgery.replacingOccurrences(of: "\n", with: "\u{2028}"),
        TextTrailersTests.forgery.replacingOccurrences(of: "\n", with: "\u{85}"),
    ])
    func reasonWithLineBreaksWritesOneEvent(_ reason: String) throws {
        let sb = try TextSandbox()
        let id = try sb.ws.loadContract(sb.ref).contract.id
        do {
            _ = try Transitions.run(
                sb.ws, try ResolvedContract.find(sb.ws, sb.ref.stem), .init(.submit, reason: reason, author: sb.author))
        } catch {
            // Refusing the reason outright is as good: but then nothing may be committed.
            #expect("\(error)".contains("reason"), "\(error)")
            #expect(try sb.headEvents().events.allSatisfy { $0.event != "contract.terminated" })
            return
        }
        let (message, events) = try sb.headEvents()
        #expect(events.count == 1, "\(message)")
        #expect(events.first?.id == id)
        #expect(events.first?.event == "contract.submitted")
        #expect(events.first?.actor == sb.author.description)
        #expect(events.first?.reason == reason.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(!events.contains { $0.event == "contract.terminated" })
    }

    @Test func nulInAReasonIsRefusedAndNothingIsCommitted() throws {
        let sb = try TextSandbox()
        let before = try sb.ws.repository().headCommitID()
        #expect {
            _ = try Transitions.run(
                sb.ws, try ResolvedContract.find(sb.ws, sb.ref.stem),
                .init(.submit, reason: "ok\0Pactoria-Event: x", author: sb.author))
        } throws: { error in
            "\(error)".contains("reason") && "\(error)".contains("control")
        }
        #expect(try sb.ws.repository().headCommitID() == before)
    }

    @Test func nulOrDashesInACommitMessageKeepTheTrailers() throws {
        for message in [
            "Cut here\0then nothing", "Patch follows\n---\nsomething", " ---\n", "\n  --- x", "x\n---\u{352}2b",
            "Pactoria-Contract: fake\nPactoria-Event: x",
        ] {
            let event = ContractEvent(
                id: "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b", ref: ContractRef(company: "a", stem: "b"),
                event: "contract.content_generated", version: 2, actor: "Ann <ann@example.co.uk>")
            let text = AuditTrailers.compose(message: message, events: [event])
            #expect(!text.contains("\0"))
            let events = AuditTrailers.events(inMessage: text)
            #expect(events == [AuditTrailers.normalised(event)], "\(text)")
        }
    }

    @Test func plainValuesStayReadable() {
        let event = ContractEvent(
            id: "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b", ref: ContractRef(company: "a", stem: "b"),
            event: "contract.terminated",
            version: 3, from: "active", to: "terminated", actor: "Ann Admin <ann@example.co.uk>",
            reason: "Client went into administration: see 50% clause")
        let text = AuditTrailers.compose(message: "Terminate", events: [event])
        #expect(text.contains("Pactoria-Reason: Client went into administration: see 50%25 clause\n"))
        #expect(text.contains("Pactoria-Actor: Ann Admin <ann@example.co.uk>\n"))
    }

    @Test func trailersWrittenBeforeTheEncodingReadAsBefore() {
        let events = AuditTrailers.parse([
            ("Pactoria-Contract", "abc"), ("Pactoria-Event", "contract.updated"), ("Pactoria-Reason", "100% done"),
            ("Pactoria-Version", "2"),
        ])
        #expect(events.first?.reason == "100% done")
    }

    @Test func aRepeatedKeyCannotOverwriteAValueOfItsBlock() {
        let events = AuditTrailers.parse([
            ("Pactoria-Contract", "abc"), ("Pactoria-Event", "contract.updated"),
            ("Pactoria-Event", "contract.terminated"),
        ])
        #expect(events.map(\.event) == ["contract.updated"])
    }

    /// Property: any events, any message → compose → libgit2's trailer parser → parse gives the
    /// same events back, as many as were written.
    @Test func composeParseRoundTrip() async {
        await propertyCheck(
            count: 300, input: HostileText.generator(), HostileText.generator(), HostileText.generator(count: 0...6),
            Gen.int(in: 1...3)
        ) { reason, actor, message, n in
            let events = (0..<n).map { i in
                ContractEvent(
                    id: "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6\(i)", ref: ContractRef(company: "c", stem: "s"),
                    event: "contract.updated", version: i + 1, from: i == 1 ? actor : nil, to: "active", actor: actor,
                    reason: reason)
            }
            let text = AuditTrailers.compose(message: message, events: events)
            let back = AuditTrailers.events(inMessage: text)
            #expect(back == events.map(AuditTrailers.normalised), "\(text.debugDescription)")
        }
    }
    /// The reader before #15's speed-up (keys lower-cased as strings, a set of keys per block):
    /// the oracle for the byte-level key matching.
    static func legacyParse(_ trailers: [(key: String, value: String)]) -> [ContractEvent] {
        var out: [ContractEvent] = []
        var seen = Set<String>()
        for (key, raw) in trailers {
            let k = key.lowercased()
            let value = AuditTrailers.decode(raw)
            if k == "pactoria-contract" {
                out.append(ContractEvent(id: value, ref: ContractRef(company: "", stem: ""), event: "", version: 0))
                seen = [k]
                continue
            }
            guard !out.isEmpty, k.hasPrefix("pactoria-"), seen.insert(k).inserted else { continue }
            switch k {
            case "pactoria-event": out[out.count - 1].event = value
            case "pactoria-version": out[out.count - 1].version = Int(value) ?? 0
            case "pactoria-from": out[out.count - 1].from = value
            case "pactoria-to": out[out.count - 1].to = value
            case "pactoria-actor": out[out.count - 1].actor = value
            case "pactoria-reason": out[out.count - 1].reason = value
            default: break
            }
        }
        return out
    }

    /// Property: keys in any case (ASCII or not: a Kelvin sign, a dotted capital I, a long s),
    /// repeated, unknown, in any order, read exactly as the old reader read them.
    @Test func keyMatchingEqualsTheOldReader() async {
        let keys = [
            "Pactoria-Contract", "pactoria-contract", "PACTORIA-CONTRACT", "Pactoria-Event", "pactoria-EVENT",
            "Pactoria-Version", "Pactoria-From", "Pactoria-To", "Pactoria-Actor", "Pactoria-Reason", "Pactoria-Other",
            "Signed-off-by", "Pactoria-Contrac", "Pactoria-Contractx", "P\u{212A}actoria-Event", "Pactor\u{130}a-Event",
            "Pactoria-Rea\u{17F}on", "Pactoria-\u{212A}", "pactoria-reason ", "",
        ]
        await propertyCheck(
            count: 400, input: Gen.int(in: 0...Int.max), HostileText.generator(), HostileText.generator()
        ) { seed, a, b in
            var rng = SplitMix64(seed: UInt64(seed))
            let values = [a, b, "%", "42", "%0A", "contract.updated", "9223372036854775808"]
            let trailers = (0..<Int(rng.next() % 14)).map { _ in
                (
                    key: keys[Int(rng.next() % UInt64(keys.count))],
                    value: values[Int(rng.next() % UInt64(values.count))]
                )
            }
            #expect(AuditTrailers.parse(trailers) == Self.legacyParse(trailers), "\(trailers)")
        }
    }
}
