import NIOCore
import Vapor

/// The address a request came from, for rate limits and sign-in throttling. The connection's peer, unless that
/// peer is a trusted reverse proxy (SINERGI_TRUSTED_PROXIES): then the nearest address in `X-Forwarded-For` that
/// is not itself a trusted proxy. A client cannot pick its own address by sending the header directly.
enum ClientAddress {
    static func of(_ req: Request) -> String {
        let peer = req.remoteAddress?.ipAddress ?? "unknown"
        let trusted = req.application.config.trustedProxies
        guard !trusted.isEmpty, isTrusted(peer, trusted) else { return peer }
        let chain = req.headers[.xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        // Right to left: each trusted hop appended the address it saw; the first untrusted one is the client.
        for hop in chain.reversed() {
            guard isIP(hop) else { return peer }      // a mangled header: fall back to what cannot be forged
            if !isTrusted(hop, trusted) { return hop }
        }
        return chain.first ?? peer
    }

    static func isIP(_ s: String) -> Bool { (try? SocketAddress(ipAddress: s, port: 0)) != nil }

    static func isValidProxyEntry(_ s: String) -> Bool {
        if let slash = s.firstIndex(of: "/") {
            guard let bits = Int(s[s.index(after: slash)...]), (0...32).contains(bits) else { return false }
            return ipv4(String(s[..<slash])) != nil
        }
        return isIP(s)
    }

    static func isTrusted(_ address: String, _ entries: [String]) -> Bool {
        entries.contains { entry in
            guard let slash = entry.firstIndex(of: "/") else { return entry == address }
            guard let net = ipv4(String(entry[..<slash])), let bits = Int(entry[entry.index(after: slash)...]), let a = ipv4(address) else { return false }
            let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
            return a & mask == net & mask
        }
    }

    static func ipv4(_ s: String) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard let n = UInt8(p) else { return nil }
            v = v << 8 | UInt32(n)
        }
        return v
    }
}

extension Request {
    /// See `ClientAddress`.
    var clientAddress: String { ClientAddress.of(self) }
}
