import Foundation
import NIOCore
import NIOPosix
import NIOSSL

public enum SMTPError: Error, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case invalidHeader(String)
    case noRecipients
    case connectionFailed(String)
    case timeout(String)
    case closed
    case malformedReply
    /// The server answered `code` to `command` (the password is never in `command`).
    case rejected(command: String, code: Int, message: String)
    case startTLSUnavailable
    case authUnavailable(String)

    /// Whether trying again later cannot help (5xx replies, bad addresses, a server without the
    /// security the configuration requires).
    public var isPermanent: Bool {
        switch self {
        case .rejected(_, let code, _): return code >= 500
        case .invalidAddress, .invalidHeader, .noRecipients, .startTLSUnavailable, .authUnavailable: return true
        case .connectionFailed, .timeout, .closed, .malformedReply: return false
        }
    }

    public var description: String {
        switch self {
        case .invalidAddress(let a): return "invalid e-mail address: \(a.debugDescription)"
        case .invalidHeader(let h): return "invalid header \(h)"
        case .noRecipients: return "the message has no recipients"
        case .connectionFailed(let why): return "cannot connect: \(why)"
        case .timeout(let step): return "no reply from the SMTP server (\(step))"
        case .closed: return "the SMTP server closed the connection"
        case .malformedReply: return "the SMTP server sent a malformed reply"
        case .rejected(let c, let code, let m): return "\(c) refused: \(code) \(m)"
        case .startTLSUnavailable: return "the SMTP server does not offer STARTTLS, which the configuration requires"
        case .authUnavailable(let why): return "cannot log in: \(why)"
        }
    }
}

/// One reply: the code and its text lines.
public struct SMTPReply: Sendable, Equatable {
    public let code: Int
    public let lines: [String]
    public var text: String { lines.joined(separator: " ") }
}

/// One SMTP session (RFC 5321): connect, EHLO, STARTTLS, AUTH, then any number of messages, then QUIT.
/// Commands are strictly one at a time (no pipelining).
public final class SMTPConnection: @unchecked Sendable {
    private let channel: any Channel
    private let handler: ReplyHandler
    private let config: SMTPConfiguration
    private var extensions: [String: String] = [:]
    private var encrypted: Bool
    /// The greeting and EHLO replies' first line, for diagnostics.
    public private(set) var serverName = ""

    private init(channel: any Channel, handler: ReplyHandler, config: SMTPConfiguration, encrypted: Bool) {
        self.channel = channel; self.handler = handler; self.config = config; self.encrypted = encrypted
    }

    /// Connects, says hello, upgrades to TLS and logs in as the configuration says.
    public static func open(_ config: SMTPConfiguration, group: any EventLoopGroup) async throws -> SMTPConnection {
        let handler = ReplyHandler()
        let tls = try makeTLSContext(config)
        let implicit = config.security == .implicitTLS
        let host = config.host
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(config.timeoutSeconds))
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicit {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: sniName(host)))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: config.host, port: config.port).get()
        } catch {
            throw SMTPError.connectionFailed("\(config.host):\(config.port): \(error)")
        }
        let c = SMTPConnection(channel: channel, handler: handler, config: config, encrypted: implicit)
        do {
            let greeting = try await c.reply(step: "greeting")
            guard greeting.code == 220 else { throw SMTPError.rejected(command: "connect", code: greeting.code, message: greeting.text) }
            c.serverName = greeting.lines.first ?? ""
            try await c.hello()
            if !c.encrypted && config.security != .plain {
                if c.extensions["STARTTLS"] != nil {
                    try await c.expect("STARTTLS", 220)
                    try await channel.eventLoop.submit {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: sniName(host)), position: .first)
                    }.get()
                    c.encrypted = true
                    try await c.hello()
                } else if config.security == .startTLSRequired {
                    throw SMTPError.startTLSUnavailable
                }
            }
            if let user = config.username { try await c.login(user: user, password: config.password ?? "") }
            return c
        } catch {
            await c.close(quit: false)
            throw error
        }
    }

    /// Sends one message. A refused recipient fails the whole message (digests go to one address).
    public func send(_ mail: Mail) async throws {
        let data = try mail.rendered()
        try await expect("MAIL FROM:<\(mail.from.email)>", 250)
        for r in mail.to { try await expect("RCPT TO:<\(r.email)>", 250, 251) }
        try await expect("DATA", 354)
        try await write(data + "\r\n.")
        let r = try await reply(step: "end of data")
        guard r.code == 250 else {
            throw SMTPError.rejected(command: "DATA", code: r.code, message: r.text)
        }
    }

    /// Resets the session after a refused message so the next one can go on the same connection.
    public func reset() async throws { try await expect("RSET", 250) }

    public func close(quit: Bool = true) async {
        if quit, channel.isActive {
            _ = try? await command("QUIT")
        }
        try? await channel.close().get()
    }

    // MARK: - Steps

    private func hello() async throws {
        let r = try await command("EHLO \(config.heloName)")
        if r.code == 250 {
            extensions = [:]
            for line in r.lines.dropFirst() {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard let k = parts.first else { continue }
                extensions[k.uppercased()] = parts.count > 1 ? String(parts[1]) : ""
            }
            return
        }
        // A server without ESMTP: HELO, and no extensions.
        try await expect("HELO \(config.heloName)", 250)
        extensions = [:]
    }

    private func login(user: String, password: String) async throws {
        guard encrypted || config.security == .plain else {
            throw SMTPError.authUnavailable("the connection is not encrypted; refusing to send the password (use smtps:// or a server with STARTTLS)")
        }
        guard let mechanisms = extensions["AUTH"]?.uppercased().split(separator: " ").map(String.init) else {
            throw SMTPError.authUnavailable("the server offers no AUTH")
        }
        if mechanisms.contains("PLAIN") {
            let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            try await expect("AUTH PLAIN \(token)", 235, shown: "AUTH PLAIN ***")
        } else if mechanisms.contains("LOGIN") {
            try await expect("AUTH LOGIN", 334)
            try await expect(Data(user.utf8).base64EncodedString(), 334, shown: "AUTH LOGIN (user)")
            try await expect(Data(password.utf8).base64EncodedString(), 235, shown: "AUTH LOGIN ***")
        } else {
            throw SMTPError.authUnavailable("no supported mechanism in AUTH \(mechanisms.joined(separator: " "))")
        }
    }

    @discardableResult
    private func expect(_ line: String, _ codes: Int..., shown: String? = nil) async throws -> SMTPReply {
        let r = try await command(line)
        guard codes.contains(r.code) else {
            throw SMTPError.rejected(command: shown ?? String(line.prefix(40)), code: r.code, message: r.text)
        }
        return r
    }

    private func command(_ line: String) async throws -> SMTPReply {
        try await write(line)
        return try await reply(step: String(line.prefix(4)))
    }

    private func write(_ text: String) async throws {
        guard channel.isActive else { throw SMTPError.closed }
        try await channel.writeAndFlush(ByteBuffer(string: text + "\r\n")).get()
    }

    private func reply(step: String) async throws -> SMTPReply {
        let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
        let handler = self.handler, timeout = TimeAmount.seconds(config.timeoutSeconds)
        channel.eventLoop.execute { handler.await(promise, timeout: timeout, step: step) }
        return try await promise.futureResult.get()
    }

    private static func makeTLSContext(_ config: SMTPConfiguration) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if !config.verifyCertificates { tls.certificateVerification = .none }
        if let ca = config.caFile { tls.trustRoots = .file(ca) }
        return try NIOSSLContext(configuration: tls)
    }
}

/// SNI needs a host name, not an address literal.
private func sniName(_ host: String) -> String? {
    let isAddress = host.contains(":") || host.split(separator: ".").allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    return isAddress ? nil : host
}

/// Splits the byte stream into replies and hands each to the next waiting command. All state is
/// touched on the channel's event loop only.
final class ReplyHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private struct Waiter { let promise: EventLoopPromise<SMTPReply>; let timer: Scheduled<Void>?; let id: Int }
    private var pending: [UInt8] = []
    private var lines: [String] = []
    private var ready: [Result<SMTPReply, any Error>] = []
    private var waiters: [Waiter] = []
    private var nextID = 0
    private var failure: (any Error)?
    private var context: ChannelHandlerContext?

    static let maxLine = 4096, maxLines = 200

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buf = unwrapInboundIn(data)
        pending.append(contentsOf: buf.readBytes(length: buf.readableBytes) ?? [])
        while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var lineBytes = pending[..<nl]
            if lineBytes.last == UInt8(ascii: "\r") { lineBytes = lineBytes.dropLast() }
            let line = String(decoding: lineBytes, as: UTF8.self)
            pending.removeSubrange(...nl)
            consume(line, context: context)
        }
        if pending.count > Self.maxLine { fail(SMTPError.malformedReply, context: context) }
    }

    private func consume(_ line: String, context: ChannelHandlerContext) {
        let chars = Array(line.utf8)
        guard chars.count >= 3, let code = Int(String(decoding: chars[0..<3], as: UTF8.self)), (200...599).contains(code) else {
            fail(SMTPError.malformedReply, context: context); return
        }
        let separator = chars.count > 3 ? chars[3] : UInt8(ascii: " ")
        let text = chars.count > 4 ? String(decoding: chars[4...], as: UTF8.self) : ""
        lines.append(text)
        if lines.count > Self.maxLines { fail(SMTPError.malformedReply, context: context); return }
        if separator == UInt8(ascii: "-") { return }
        let reply = SMTPReply(code: code, lines: lines)
        lines = []
        deliver(.success(reply))
    }

    private func deliver(_ r: Result<SMTPReply, any Error>) {
        if !waiters.isEmpty {
            let w = waiters.removeFirst()
            w.timer?.cancel()
            w.promise.completeWith(r)
        } else {
            ready.append(r)
        }
    }

    func await(_ promise: EventLoopPromise<SMTPReply>, timeout: TimeAmount, step: String) {
        if !ready.isEmpty { promise.completeWith(ready.removeFirst()); return }
        if let failure { promise.fail(failure); return }
        nextID += 1
        let id = nextID
        let timer = context?.eventLoop.scheduleTask(in: timeout) { [weak self] in
            guard let self, let i = self.waiters.firstIndex(where: { $0.id == id }) else { return }
            let w = self.waiters.remove(at: i)
            w.promise.fail(SMTPError.timeout(step))
            self.context?.close(promise: nil)
        }
        waiters.append(Waiter(promise: promise, timer: timer, id: id))
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext?) {
        if failure == nil { failure = error }
        let ws = waiters
        waiters = []
        for w in ws { w.timer?.cancel(); w.promise.fail(error) }
        context?.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPError.closed, context: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(SMTPError.connectionFailed("\(error)"), context: context)
    }
}

/// Sends messages in one session; the convenience for a single message.
public enum SMTPClient {
    public static func send(_ mail: Mail, using config: SMTPConfiguration, group: any EventLoopGroup) async throws {
        let c = try await SMTPConnection.open(config, group: group)
        do {
            try await c.send(mail)
            await c.close()
        } catch {
            await c.close(quit: false)
            throw error
        }
    }
}
