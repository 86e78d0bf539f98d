import AuditChain
import Testing

private func chain(_ n: Int) -> [AuditRecord] {
    var out: [AuditRecord] = []
    for i in 1...n {
        let c = AuditContent(sequence: Int64(i), occurredAt: "2026-11-30T05:00:0\(i % 10).000Z", actorID: "u\(i)", actorRole: "officer",
                             action: "foreigner.read", objectType: "foreigner", objectID: "f\(i)", purpose: "supervision", requestID: "r\(i)", detail: "")
        out.append(AuditRecord.next(after: out.last, content: c))
    }
    return out
}

@Suite struct AuditChainTests {
    @Test func intactChainVerifies() {
        let records = chain(5)
        #expect(AuditVerifier.verify(records, headSequence: 5, headHash: records[4].hash) == .success(5))
        #expect(records[0].previousHash == AuditHash.genesis)
        #expect(records[1].previousHash == records[0].hash)
    }

    @Test func editedContentIsNamed() {
        var records = chain(5)
        records[2].content.purpose = "curiosity"
        #expect(AuditVerifier.verify(records) == .failure(AuditBreak(sequence: 3, kind: .contentAltered)))
    }

    @Test func rehashedEditBreaksTheNextLink() {
        // An attacker who edits a row and recomputes its hash still breaks the following row's link.
        var records = chain(5)
        records[1].content.actorID = "someone-else"
        records[1].hash = AuditHash.chain(previous: records[1].previousHash, content: records[1].content)
        #expect(AuditVerifier.verify(records) == .failure(AuditBreak(sequence: 3, kind: .linkBroken)))
    }

    @Test func deletedRowIsNamed() {
        var records = chain(5)
        records.remove(at: 2)
        #expect(AuditVerifier.verify(records) == .failure(AuditBreak(sequence: 4, kind: .missingEvents(expected: 3))))
    }

    @Test func deletedTailIsCaughtByTheHead() {
        let records = chain(5)
        let result = AuditVerifier.verify(records.prefix(3), headSequence: 5, headHash: records[4].hash)
        #expect(result == .failure(AuditBreak(sequence: 3, kind: .truncated(expectedLast: 5))))
    }

    @Test func canonicalFormHasNoDelimiterAmbiguity() {
        let a = AuditContent(sequence: 1, occurredAt: "t", actorID: "a:b", actorRole: "c", action: "x", objectType: "", objectID: "", purpose: "", requestID: "", detail: "")
        let b = AuditContent(sequence: 1, occurredAt: "t", actorID: "a", actorRole: "b:c", action: "x", objectType: "", objectID: "", purpose: "", requestID: "", detail: "")
        #expect(a.canonicalBytes != b.canonicalBytes)
        #expect(AuditHash.chain(previous: AuditHash.genesis, content: a) != AuditHash.chain(previous: AuditHash.genesis, content: b))
    }

    @Test func hashIsSHA256Hex() {
        let h = chain(1)[0].hash
        #expect(h.count == 64)
        #expect(h.allSatisfy { "0123456789abcdef".contains($0) })
    }
}
