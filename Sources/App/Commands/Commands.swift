import Fluent
import Foundation
import SMTP
import Vapor

/// A command-line failure with a message for the person at the terminal; `sinergi` prints it and
/// exits non-zero.
public struct CommandFailure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// `sinergi seed --demo [--seed N] [--if-empty]`
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "demo", help: "Build the demo data set (offices, agencies, ~140 companies, ~700 foreigners, one account per role).")
        var demo: Bool
        @Option(name: "seed", help: "Random seed for the demo data (default 1).")
        var seed: String?
        @Option(name: "bench-registry", help: "Benchmarks only: load a synthetic registry from this CSV (family_name, given_names, sex, date_of_birth, nationality, passport_number).")
        var benchRegistry: String?
        @Option(name: "region", help: "With --bench-registry: the regency its people live in (default 35.16).")
        var region: String?
    }
    var help: String { "Loads demo data. Running it again changes nothing." }

    func run(using context: CommandContext, signature: Signature) async throws {
        if let path = signature.benchRegistry {
            let app = context.application
            let started = Date()
            let n = try await BenchRegistry.load(path: path, regency: signature.region ?? "35.16", today: app.today, on: app.db) { n in
                context.console.print("  \(n) foreigners loaded")
            }
            context.console.print("Benchmark registry: \(n) foreigners in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
            if !signature.demo { return }
        }
        guard signature.demo else { throw CommandFailure(message: "nothing to do: pass --demo") }
        guard let seed = UInt64(signature.seed ?? "1") else { throw CommandFailure(message: "--seed must be a whole number ≥ 0") }
        let app = context.application
        let printed = app.config.demoPassword == nil
        let password = app.config.demoPassword ?? DemoPassword.random()
        let outcome = try await DemoSeeder.run(on: app.db, seed: seed, today: app.today, password: password,
                                               bcryptCost: app.config.bcryptCost, pool: app.threadPool, clock: app.clock)
        guard outcome.created else {
            context.console.print("Demo data already present (\(outcome.foreigners) foreigners, \(outcome.sponsors) sponsors); nothing changed.")
            return
        }
        context.console.print("Demo data created: \(outcome.foreigners) foreigners, \(outcome.sponsors) sponsors.")
        context.console.print("Demo logins (password \(printed ? "printed once, keep it: \(password)" : "from SINERGI_DEMO_PASSWORD")):")
        for a in DemoSeeder.accounts { context.console.print("  \(a.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(a.email)") }
    }
}

enum DemoPassword {
    static func random() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet.randomElement(using: &rng)! })
    }
}

/// `sinergi users create --email … --role … [--office CODE|--agency ID|--sponsor ID] [--name …] --password-stdin`
struct UsersCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": CreateUserCommand(), "set-password": SetPasswordCommand(), "seal-secrets": SealSecretsCommand()] }
    var help: String { "Manage user accounts." }
}

struct CreateUserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email") var email: String?
        @Option(name: "role", help: "admin, supervisor, officer, agency, sponsor or integration (API tokens only)") var role: String?
        @Option(name: "office", help: "office code, for supervisor and officer") var office: String?
        @Option(name: "agency", help: "agency id, for agency") var agency: String?
        @Option(name: "sponsor", help: "sponsor id, for sponsor") var sponsor: String?
        @Option(name: "name", help: "display name (default: the email)") var name: String?
        @Flag(name: "password-stdin", help: "read the password from standard input (first line)") var passwordStdin: Bool
    }
    var help: String { "Creates a user. The password is read from standard input, never from the command line." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let rawEmail = signature.email, let email = EmailAddress(rawEmail)?.value else {
            throw CommandFailure(message: "--email is missing or not a valid email address")
        }
        guard let role = signature.role.flatMap(Role.init(rawValue:)) else {
            throw CommandFailure(message: "--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard signature.passwordStdin else { throw CommandFailure(message: "--password-stdin is required (passwords are never taken from arguments)") }
        guard let password = readLine(strippingNewline: true), !password.isEmpty else {
            throw CommandFailure(message: "no password on standard input")
        }
        if let problem = PasswordPolicy.problem(with: password, email: email) { throw CommandFailure(message: "password refused: \(problem.english)") }
        let user = User()
        user.email = email; user.role = role.rawValue; user.displayName = signature.name ?? email; user.language = "id"; user.disabled = false; user.notifyEmail = true
        switch role {
        case .officer, .supervisor:
            guard let code = signature.office, let office = try await Office.query(on: app.db).filter(\.$code == code).first() else {
                throw CommandFailure(message: "--office CODE is required for \(role.rawValue) and must name an existing office")
            }
            user.$office.id = office.id
        case .agency:
            guard let raw = signature.agency, let id = UUID(uuidString: raw), try await Agency.find(id, on: app.db) != nil else {
                throw CommandFailure(message: "--agency ID is required for agency and must name an existing agency")
            }
            user.$agency.id = id
        case .sponsor:
            guard let raw = signature.sponsor, let id = UUID(uuidString: raw), try await Sponsor.find(id, on: app.db) != nil else {
                throw CommandFailure(message: "--sponsor ID is required for sponsor and must name an existing sponsor")
            }
            user.$sponsor.id = id
        case .admin, .integration:
            break
        }
        if signature.office != nil && ![.officer, .supervisor].contains(role) || signature.agency != nil && role != .agency || signature.sponsor != nil && role != .sponsor {
            throw CommandFailure(message: "--office, --agency and --sponsor belong to the roles officer/supervisor, agency and sponsor respectively")
        }
        if try await User.query(on: app.db).filter(\.$email == email).first() != nil {
            throw CommandFailure(message: "a user with email \(email) already exists")
        }
        user.passwordHash = try await PasswordHasher.hash(password, cost: app.config.bcryptCost, on: app.threadPool)
        try await AuditLog.write(on: app.db, actor: AuditActor(id: "cli", role: "admin"), requestID: "cli-\(UUID().uuidString.prefix(8))", clock: app.clock) { db in
            try await user.create(on: db)
            return ((), [AuditEntry(action: "user.create", objectType: "user", objectID: user.id!.uuidString, detail: "role=\(role.rawValue)")])
        }
        context.console.print("created \(role.rawValue) \(email) (id \(user.id!.uuidString))")
    }
}

/// `sinergi users set-password --email E --password-stdin`: for operators and scripts. The user's sessions and
/// tokens end, unused password links stop working, and the change is audited.
struct SetPasswordCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email") var email: String?
        @Flag(name: "password-stdin", help: "read the password from standard input (first line)") var passwordStdin: Bool
    }
    var help: String { "Sets a user's password from standard input, never from the command line." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let email = signature.email.flatMap(EmailAddress.init)?.value else { throw CommandFailure(message: "--email is missing or not a valid email address") }
        guard signature.passwordStdin else { throw CommandFailure(message: "--password-stdin is required (passwords are never taken from arguments)") }
        guard let user = try await User.query(on: app.db).filter(\.$email == email).first(), let id = user.id else {
            throw CommandFailure(message: "no user with email \(email)")
        }
        guard let password = readLine(strippingNewline: true), !password.isEmpty else { throw CommandFailure(message: "no password on standard input") }
        if let problem = PasswordPolicy.problem(with: password, email: email) { throw CommandFailure(message: "password refused: \(problem.english)") }
        let hash = try await PasswordHasher.hash(password, cost: app.config.bcryptCost, on: app.threadPool)
        let now = app.clock.now()
        try await AuditLog.write(on: app.db, actor: AuditActor(id: "cli", role: "admin"), requestID: "cli-\(UUID().uuidString.prefix(8))", clock: app.clock) { db in
            try await User.query(on: db).filter(\.$id == id).set(\.$passwordHash, to: hash).update()
            try await PasswordLink.query(on: db).filter(\.$userID == id).filter(\.$usedAt == nil).set(\.$expiresAt, to: now).update()
            try await Accounts.endSessions(of: id, on: db)
            return ((), [AuditEntry(action: "user.password.set", objectType: "user", objectID: id.uuidString, detail: "cli")])
        }
        context.console.print("password set for \(email); its sessions and tokens have ended")
    }
}

/// `sinergi users seal-secrets`: after `SINERGI_SECRET_KEY` is first set, seals every second-factor key still stored
/// in clear (each is otherwise sealed when next used).
struct SealSecretsCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Seals the second-factor keys still stored in clear under SINERGI_SECRET_KEY." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard app.config.secretKey != nil else { throw CommandFailure(message: "SINERGI_SECRET_KEY is not set: there is no key to seal with") }
        let r = try await SecondFactor.sealStored(app)
        context.console.print("sealed: \(r.sealed) second-factor keys; already sealed: \(r.already)")
        if r.unreadable > 0 {
            context.console.print("\(r.unreadable) sealed keys do not open with this SINERGI_SECRET_KEY (sealed under another key): their users cannot use their codes until the old key is back or they set the second factor up again")
        }
    }
}

/// An email address checked at the edge: one @, a dotted domain, no spaces; stored lower-case.
/// An e-mail address as every form and API takes it: trimmed and lower-cased, ASCII, and one that
/// the mailer can send to (`MailAddress`). `pattern` is the same rule for the OpenAPI document.
struct EmailAddress {
    let value: String
    init?(_ raw: String) {
        let s = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard s.allSatisfy(\.isASCII), (try? MailAddress(s)) != nil else { return nil }
        value = s
    }

    static let pattern: String = {
        let local = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]"
        let domain = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
        return "^\(local)+@\(domain)\(local)*\\.\(local)*\(domain)$"
    }()
}

/// `sinergi audit verify`
struct AuditCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["verify": VerifyAuditCommand()] }
    var help: String { "Audit trail tools." }
}

struct VerifyAuditCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Checks the hash chain of the audit trail; exits non-zero naming the first broken event." }

    func run(using context: CommandContext, signature: Signature) async throws {
        // Events a server spooled while the write lock was held (SQLite) are chained first, so that all are verified;
        // when another process holds the lock for longer than the busy timeout, the chain is verified without them.
        let app = context.application
        if let said = try await AuditSpool.chainWaiting(app, otherwise: "verified without them") { context.console.print(said) }
        switch try await AuditLog.verify(on: context.application.db) {
        case .success(let n):
            context.console.print("audit chain intact: \(n) events")
        case .failure(let b):
            throw CommandFailure(message: "audit chain BROKEN at \(b.description)")
        }
    }
}
