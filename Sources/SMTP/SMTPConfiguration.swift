import Foundation

/// Where and how to deliver mail, from one URL:
///
///     smtp://[user:pass@]host[:port][?starttls=required|never][&ca=/path/ca.pem][&verify=none]
///     smtps://[user:pass@]host[:port]
///
/// `smtp://` (port 25 by default) upgrades with STARTTLS whenever the server offers it, and refuses to
/// send a password over a connection that is not encrypted; `starttls=required` also refuses to send
/// anything in clear text. `smtps://` (port 465) is TLS from the first byte. Certificates are checked
/// against the system's roots, or against `ca` (a PEM file); `verify=none` turns the check off (test
/// servers with throwaway certificates only).
public struct SMTPConfiguration: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        /// STARTTLS when offered; plain otherwise (never with a password).
        case startTLSIfOffered
        /// STARTTLS or give up.
        case startTLSRequired
        /// Never encrypt (a local relay on the same machine).
        case plain
        /// TLS from the first byte (`smtps://`).
        case implicitTLS
    }

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var security: Security
    public var verifyCertificates: Bool
    public var caFile: String?
    /// The name this client gives in EHLO.
    public var heloName: String
    /// How long to wait for the connection and for each reply.
    public var timeoutSeconds: Int64

    public init(host: String, port: Int, username: String? = nil, password: String? = nil,
                security: Security = .startTLSIfOffered, verifyCertificates: Bool = true, caFile: String? = nil,
                heloName: String = "sinergi.localdomain", timeoutSeconds: Int64 = 30) {
        self.host = host; self.port = port; self.username = username; self.password = password
        self.security = security; self.verifyCertificates = verifyCertificates; self.caFile = caFile
        self.heloName = heloName; self.timeoutSeconds = timeoutSeconds
    }

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    public init(url text: String) throws {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased() else {
            throw Invalid(description: "SMTP_URL is not a URL (expected smtp://host:port or smtps://host:port)")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw Invalid(description: "SMTP_URL must start with smtp:// or smtps://, not \(scheme)://")
        }
        guard let host = c.host, !host.isEmpty else { throw Invalid(description: "SMTP_URL has no host") }
        let port = c.port ?? (scheme == "smtps" ? 465 : 25)
        guard (1...65535).contains(port) else { throw Invalid(description: "SMTP_URL port \(port) is out of range") }
        var security: Security = scheme == "smtps" ? .implicitTLS : .startTLSIfOffered
        var verify = true
        var ca: String?
        for item in c.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("starttls", "required"): if scheme == "smtp" { security = .startTLSRequired }
            case ("starttls", "never"): if scheme == "smtp" { security = .plain }
            case ("starttls", "auto"): break
            case ("verify", "none"): verify = false
            case ("verify", "peer"): verify = true
            case ("ca", let path) where !path.isEmpty: ca = path
            default:
                throw Invalid(description: "SMTP_URL: unknown option \(item.name)=\(item.value ?? "") (known: starttls=auto|required|never, verify=peer|none, ca=PATH)")
            }
        }
        self.init(host: host, port: port,
                  username: c.user.flatMap { $0.removingPercentEncoding ?? $0 },
                  password: c.password.flatMap { $0.removingPercentEncoding ?? $0 },
                  security: security, verifyCertificates: verify, caFile: ca)
        if let u = username, u.isEmpty { username = nil }
    }

    /// The URL without the password, for logs and the admin page.
    public var redacted: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let user = username.map { "\($0):***@" } ?? ""
        return "\(scheme)://\(user)\(host):\(port)"
    }
}
