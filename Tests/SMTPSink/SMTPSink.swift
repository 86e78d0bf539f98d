import Foundation

/// A real SMTP server for tests: `scripts/smtp_sink.py` (Python aiosmtpd) in a child process. Every
/// message it accepts is a JSON file in `directory`; `messages()` reads them back in order.
public final class SMTPSink: @unchecked Sendable {
    public struct Options: Sendable {
        public var startTLS = false
        public var implicitTLS = false
        public var auth: (user: String, password: String)?
        public var failFirst = 0
        public var failCode = 451
        /// Seconds before each RCPT is answered (a slow server).
        public var delayRcpt = 0.0
        public init(startTLS: Bool = false, implicitTLS: Bool = false, auth: (user: String, password: String)? = nil,
                    failFirst: Int = 0, failCode: Int = 451, delayRcpt: Double = 0) {
            self.startTLS = startTLS; self.implicitTLS = implicitTLS; self.auth = auth
            self.failFirst = failFirst; self.failCode = failCode; self.delayRcpt = delayRcpt
        }
    }

    public struct Received: Decodable, Sendable {
        public let mail_from: String
        public let rcpt_tos: [String]
        public let subject: String
        public let from: String
        public let to: String
        public let message_id: String
        public let text: String
        public let tls: Bool
        public let authenticated: Bool
        public let headers: [String: String]
    }

    public struct Unavailable: Error, CustomStringConvertible { public let description: String }

    public let port: Int
    public let directory: String
    /// The sink's self-signed certificate (PEM), when it speaks TLS.
    public let certificate: String?
    private let process: Child

    public init(_ options: Options = Options()) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/smtp_sink.py").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sinergi-smtp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var args = [script, "--dir", dir, "--fail-first", String(options.failFirst), "--fail-code", String(options.failCode)]
        if options.delayRcpt > 0 { args += ["--delay-rcpt", String(options.delayRcpt)] }
        if options.startTLS { args.append("--starttls") }
        if options.implicitTLS { args.append("--implicit-tls") }
        if let a = options.auth { args += ["--auth", "\(a.user):\(a.password)"] }
        // Started with posix_spawn (`Child`), not Foundation's Process: see there.
        let p = try Child(["python3"] + args, pipeInput: true, pipeOutput: true)
        // The first line is `READY <port> <cert>`; a missing aiosmtpd ends the process instead.
        var line = Data()
        let handle = FileHandle(fileDescriptor: p.output!, closeOnDealloc: false)
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 3, words[0] == "READY", let port = Int(words[1]) else {
            p.signal(SIGTERM)
            p.wait()
            throw Unavailable(description: "scripts/smtp_sink.py did not start (is aiosmtpd installed? `pip install aiosmtpd`)")
        }
        self.port = port
        self.directory = dir
        self.certificate = words[2] == "-" ? nil : String(words[2])
        self.process = p
    }

    /// Messages received so far, in arrival order.
    public func messages() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { try JSONDecoder().decode(Received.self, from: Data(contentsOf: URL(fileURLWithPath: "\(directory)/\($0)"))) }
    }

    /// Waits until at least `count` messages have arrived (or `seconds` pass) and returns them.
    public func waitFor(_ count: Int, seconds: Double = 10) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let m = try messages()
            if m.count >= count || Date() > deadline { return m }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    public func stop() {
        process.closeInput()
        if process.isRunning { process.signal(SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.signal(SIGKILL) }
        process.wait()
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { if process.isRunning { process.signal(SIGTERM) } }
}
