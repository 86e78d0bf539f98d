import Crypto
import Foundation

/// The content of one audit event, as it is hashed. Everything the hash covers is here, in a
/// fixed order; the database row adds only the stored hashes.
public struct AuditContent: Sendable, Equatable {
    public var sequence: Int64
    public var occurredAt: String      // ISO 8601 UTC, millisecond precision, stored as text so it round-trips exactly
    public var actorID: String         // user id, or "system", or "anonymous"
    public var actorRole: String
    public var action: String          // e.g. "foreigner.read", "user.create", "auth.login"
    public var objectType: String
    public var objectID: String
    public var purpose: String
    public var requestID: String
    public var detail: String          // short, non-personal detail (never a name or passport number)

    public init(
        sequence: Int64, occurredAt: String, actorID: String, actorRole: String, action: String,
        objectType: String, objectID: String, purpose: String, requestID: String, detail: String
    ) {
        self.sequence = sequence
        self.occurredAt = occurredAt
        self.actorID = actorID
        self.actorRole = actorRole
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.purpose = purpose
        self.requestID = requestID
        self.detail = detail
    }

    /// Canonical bytes: a version tag, then each field length-prefixed so that no two different
    /// events can serialise to the same bytes (no delimiter injection).
    public var canonicalBytes: [UInt8] {
        var out = Array("sinergi-audit-v1\n".utf8)
        for field in [String(sequence), occurredAt, actorID, actorRole, action, objectType, objectID, purpose, requestID, detail] {
            let bytes = Array(field.utf8)
            out += Array("\(bytes.count):".utf8)
            out += bytes
            out.append(0x0A)
        }
        return out
    }
}

public enum AuditHash {
    /// The hash that precedes the first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 over the previous event's hash and this event's canonical content, as lowercase hex.
    public static func chain(previous: String, content: AuditContent) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previous.utf8))
        hasher.update(data: content.canonicalBytes)
        return hex(hasher.finalize())
    }

    /// Lower-case hex, two digits a byte (without `String(format:)`, which went through Foundation a byte at a time).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0F)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// One stored row: its content and the two hashes stored with it.
public struct AuditRecord: Sendable, Equatable {
    public var content: AuditContent
    public var previousHash: String
    public var hash: String

    public init(content: AuditContent, previousHash: String, hash: String) {
        self.content = content
        self.previousHash = previousHash
        self.hash = hash
    }

    /// Builds the next record after `previous` (nil for the first event).
    public static func next(after previous: AuditRecord?, content: AuditContent) -> AuditRecord {
        let prev = previous?.hash ?? AuditHash.genesis
        return AuditRecord(content: content, previousHash: prev, hash: AuditHash.chain(previous: prev, content: content))
    }
}

public struct AuditBreak: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case contentAltered        // the row's hash does not match its content
        case linkBroken            // previousHash is not the hash of the row before
        case missingEvents(expected: Int64)  // a sequence number was skipped: rows were deleted
        case truncated(expectedLast: Int64)  // the chain ends before the recorded head
    }
    public var sequence: Int64
    public var kind: Kind

    public init(sequence: Int64, kind: Kind) {
        self.sequence = sequence
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .contentAltered: return "event \(sequence): content does not match its hash (row edited)"
        case .linkBroken: return "event \(sequence): previous-hash link broken (row edited, inserted or reordered)"
        case .missingEvents(let expected): return "event \(sequence): expected event \(expected) next (rows deleted)"
        case .truncated(let last): return "event \(sequence): chain ends here but the head records event \(last) (rows deleted at the end)"
        }
    }
}

/// Verifies a chain streamed in sequence order, one record at a time, in constant memory.
public struct AuditVerifier: Sendable {
    public private(set) var checked: Int64 = 0
    private var lastHash = AuditHash.genesis
    private var lastSequence: Int64 = 0

    public init() {}

    /// Goes on after an event already verified (its sequence and hash): checks only what was added since.
    public init(after sequence: Int64, hash: String) {
        lastSequence = sequence
        lastHash = hash
    }

    /// The last event verified: where a later check can go on from.
    public var last: (sequence: Int64, hash: String) { (lastSequence, lastHash) }

    /// Feeds the next record; returns the first break found, if any.
    public mutating func feed(_ record: AuditRecord) -> AuditBreak? {
        let seq = record.content.sequence
        if seq != lastSequence + 1 {
            return AuditBreak(sequence: seq, kind: .missingEvents(expected: lastSequence + 1))
        }
        if AuditHash.chain(previous: record.previousHash, content: record.content) != record.hash {
            return AuditBreak(sequence: seq, kind: .contentAltered)
        }
        if record.previousHash != lastHash {
            return AuditBreak(sequence: seq, kind: .linkBroken)
        }
        lastHash = record.hash
        lastSequence = seq
        checked += 1
        return nil
    }

    /// Checks the end of the chain against the separately stored head (last sequence and hash).
    public func finish(headSequence: Int64, headHash: String) -> AuditBreak? {
        if headSequence > lastSequence {
            return AuditBreak(sequence: lastSequence, kind: .truncated(expectedLast: headSequence))
        }
        if headSequence == lastSequence && headHash != lastHash {
            return AuditBreak(sequence: lastSequence, kind: .linkBroken)
        }
        return nil
    }

    /// Verifies a whole in-memory chain.
    public static func verify<S: Sequence>(_ records: S, headSequence: Int64? = nil, headHash: String? = nil) -> Result<Int64, AuditBreak> where S.Element == AuditRecord {
        var verifier = AuditVerifier()
        for record in records {
            if let failure = verifier.feed(record) { return .failure(failure) }
        }
        if let headSequence, let headHash, let failure = verifier.finish(headSequence: headSequence, headHash: headHash) {
            return .failure(failure)
        }
        return .success(verifier.checked)
    }
}
