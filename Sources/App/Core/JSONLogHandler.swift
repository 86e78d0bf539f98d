import Foundation
import Logging

/// One JSON object per line on standard error (`LOG_FORMAT=json`): time, level, logger, message and metadata, for
/// log collectors. The messages are the same as in text form, which carry route patterns and codes, never names,
/// passport numbers or search terms.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    private static let lock = NSLock()

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        var fields: [String: String] = [:]
        for (k, v) in metadata.merging(extra ?? [:], uniquingKeysWith: { $1 }) { fields[k] = "\(v)" }
        fields["ts"] = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        fields["level"] = level.rawValue
        fields["logger"] = label
        fields["msg"] = message.description
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        Self.lock.lock()
        defer { Self.lock.unlock() }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}
