@testable import App
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

/// Issue 17, item 3: a second factor (TOTP, RFC 6238) required for admins and supervisors, sign-in throttling per
/// account and per address, password change, one's own sessions and tokens with revoke, an idle timeout; and
/// item 6's client address behind a trusted proxy.
@Suite struct AccountSecurityTests {
    static let supervisor = "supervisor@demo.sinergi.id"
    static let officer = "officer@demo.sinergi.id"
    static let required = ["SINERGI_TOTP_ROLES": "admin,supervisor"]

    // MARK: The algorithms

    @Test func totpMatchesRFC6238Vectors() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890"; the 8-digit values' last 6 digits.
        let secret = Array("12345678901234567890".utf8)
        let vectors: [(TimeInterval, String)] = [(59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"),
                                                 (1_234_567_890, "005924"), (2_000_000_000, "279037"), (20_000_000_000, "353130")]
        for (t, expected) in vectors {
            #expect(TOTP.code(secret: secret, counter: TOTP.counter(at: Date(timeIntervalSince1970: t))) == expected, "t=\(t)")
        }
        let at = Date(timeIntervalSince1970: 1_111_111_109)
        // One step either side is accepted; two are not; a step at or before the last used one is not.
        let before = TOTP.code(secret: secret, counter: TOTP.counter(at: at) - 1)
        let twoBefore = TOTP.code(secret: secret, counter: TOTP.counter(at: at) - 2)
        #expect(TOTP.matchingStep(before, secret: secret, at: at, after: nil) == TOTP.counter(at: at) - 1)
        #expect(TOTP.matchingStep(twoBefore, secret: secret, at: at, after: nil) == nil)
        #expect(TOTP.matchingStep("081 804", secret: secret, at: at, after: nil) == TOTP.counter(at: at))
        #expect(TOTP.matchingStep("081804", secret: secret, at: at, after: TOTP.counter(at: at)) == nil)
        #expect(TOTP.matchingStep("08180a", secret: secret, at: at, after: nil) == nil)
    }

    @Test func base32FollowsRFC4648() {
        for (plain, encoded) in [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")] {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded.lowercased()) == Array(plain.utf8))
        }
        #expect(Base32.decode("MZXW 6YTB-OI") == Array("foobar".utf8))
        #expect(Base32.decode("MZ1W") == nil)
        #expect(Base32.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ")
    }

    @Test func qrErrorCorrectionAndLayout() throws {
        // Every version's layout was checked with OpenCV's decoders (versions 1–20, texts of 1–660 bytes) while this was
        // written. The standard's worked example: "HELLO WORLD" at 1-M, its 16 data codewords and 10 error-correction codewords.
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.remainder(data, ReedSolomon.generator(degree: 10)) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
        #expect(QRCode.alignmentCentres(7) == [6, 22, 38] && QRCode.alignmentCentres(2) == [6, 18] && QRCode.alignmentCentres(14) == [6, 26, 46, 66])
        #expect(QRCode.dataCodewords(1) == 16 && QRCode.dataCodewords(10) == 216 && QRCode.dataCodewords(20) == 669)
        // A key address of a long e-mail fits; its finder patterns stand in three corners; the version grows with the text.
        let uri = TOTP.uri(secret: TOTP.newSecret(), account: "petugas.pengawasan.orang.asing@imigrasi.go.id")
        let qr = try #require(QRCode(uri))
        #expect(qr.size >= 41 && (qr.size - 17) % 4 == 0)
        for (r, c) in [(0, 0), (0, qr.size - 7), (qr.size - 7, 0)] {
            #expect(qr.modules[r][c] && qr.modules[r + 6][c + 6] && qr.modules[r + 3][c + 3] && !qr.modules[r + 1][c + 1])
        }
        #expect(try #require(QRCode("a")).size == 21)
        #expect(QRCode(String(repeating: "x", count: 700)) == nil)
    }

    // MARK: Second factor

    /// The code the user's app shows now, read from the database as the app would from the scanned key.
    static func currentCode(_ app: Application, _ email: String, offset: Int64 = 0) async throws -> String {
        let u = try #require(try await User.query(on: app.db).filter(\.$email == email).first())
        let stored = try #require(u.totpSecret ?? u.totpPending)
        let secret = try #require(SecretBox.open(stored, key: app.config.secretKey, owner: u.id!).flatMap(Base32.decode))
        return TOTP.code(secret: secret, counter: TOTP.counter(at: app.clock.now()) + offset)
    }

    static let sealing = required.merging(["SINERGI_SECRET_KEY": String(repeating: "5a", count: 32)]) { $1 }

    static func token(_ app: Application, code: String) async throws -> HTTPStatus {
        var h = HTTPHeaders(); h.contentType = .json
        return try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: h, body: ByteBuffer(string:
            #"{"email":"\#(supervisor)","password":"\#(TestDatabases.password)","code":"\#(code)"}"#)).status
    }

    /// With a server key the second factor's key is sealed in the database — the set-up page shows it to its owner,
    /// the file never holds it — and it opens neither under another key nor on another account.
    @Test func theSecondFactorsKeyIsSealedAtRestWhenTheServerHasAKey() async throws {
        try await withTestApp(extra: Self.sealing) { app in
            let b = Browser(app)
            _ = try await b.login(Self.supervisor)
            let page = try await b.get("/account/two-factor")
            let user = try #require(try await User.query(on: app.db).filter(\.$email == Self.supervisor).first())
            let pending = try #require(user.totpPending)
            let clear = try #require(SecretBox.open(pending, key: app.config.secretKey, owner: user.id!))
            #expect(pending.hasPrefix("v1:") && !pending.contains(clear) && Base32.decode(clear)?.count ?? 0 >= 10)
            #expect(page.body.string.contains(Base32.grouped(clear)))
            #expect(try await b.post("/account/two-factor", form: ["code": try await Self.currentCode(app, Self.supervisor)]).status == .ok)
            let stored = try #require(try await User.find(user.id, on: app.db)?.totpSecret)
            #expect(stored.hasPrefix("v1:") && SecretBox.open(stored, key: app.config.secretKey, owner: user.id!) == clear)
            #expect(SecretBox.open(stored, key: app.config.secretKey, owner: UUID()) == nil)
            #expect(SecretBox.open(stored, key: Array(repeating: 7, count: 32), owner: user.id!) == nil)
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(120) })
            #expect(try await Self.token(app, code: try await Self.currentCode(app, Self.supervisor)) == .ok)
        }
    }

    /// A key stored in clear before the server had a key still works, and is sealed by the first code it accepts;
    /// a key sealed under another server key is refused like a wrong code.
    @Test func aKeyStoredInClearIsSealedWhenNextUsed() async throws {
        try await withTestApp(extra: Self.sealing) { app in
            let user = try #require(try await User.query(on: app.db).filter(\.$email == Self.supervisor).first())
            let clear = Base32.encode(TOTP.newSecret())
            user.totpSecret = clear; user.totpEnabledAt = TestDatabases.now
            try await user.save(on: app.db)
            #expect(try await Self.token(app, code: try await Self.currentCode(app, Self.supervisor)) == .ok)
            let stored = try #require(try await User.find(user.id, on: app.db)?.totpSecret)
            #expect(stored.hasPrefix("v1:") && SecretBox.open(stored, key: app.config.secretKey, owner: user.id!) == clear)
            let foreign = try SecretBox.seal(clear, key: Array(repeating: 9, count: 32), owner: user.id!)
            try await User.query(on: app.db).filter(\.$id == user.id!).set(\.$totpSecret, to: foreign).update()
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(120) })
            let code = TOTP.code(secret: Base32.decode(clear)!, counter: TOTP.counter(at: app.clock.now()))
            #expect(try await Self.token(app, code: code) == .unauthorized)
        }
    }

    /// `sinergi users seal-secrets`: every key still in clear, confirmed or pending, sealed once and still opening to
    /// the same key; a second run seals nothing; audited.
    @Test func sealSecretsSealsEveryKeyStoredInClear() async throws {
        try await withTestApp(extra: Self.sealing) { app in
            let users = try await User.query(on: app.db).sort(\.$email).range(0..<2).all()
            let secret = Base32.encode(TOTP.newSecret()), pending = Base32.encode(TOTP.newSecret())
            users[0].totpSecret = secret; users[0].totpEnabledAt = TestDatabases.now
            users[1].totpPending = pending
            for u in users { try await u.save(on: app.db) }
            let first = try await SecondFactor.sealStored(app)
            #expect(first.sealed == 2 && first.already == 0 && first.unreadable == 0)
            let after = try await User.query(on: app.db).sort(\.$email).range(0..<2).all()
            #expect(after[0].totpSecret.map { SecretBox.isSealed($0) && SecretBox.open($0, key: app.config.secretKey, owner: after[0].id!) == secret } == true)
            #expect(after[1].totpPending.map { SecretBox.isSealed($0) && SecretBox.open($0, key: app.config.secretKey, owner: after[1].id!) == pending } == true)
            let second = try await SecondFactor.sealStored(app)
            #expect(second.sealed == 0 && second.already == 2)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "auth.tfa.seal").count() == 2)
        }
    }

    @Test func theServerKeyIsReadAsHexOrBase64() throws {
        let bytes = (0..<32).map { UInt8($0) }
        #expect(SecretBox.parseKey(bytes.map { String(format: "%02x", $0) }.joined()) == bytes)
        #expect(SecretBox.parseKey(Data(bytes).base64EncodedString()) == bytes)
        #expect(SecretBox.parseKey("too-short") == nil && SecretBox.parseKey(String(repeating: "g", count: 64)) == nil)
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(["SINERGI_SECRET_KEY": "abc"]) }
        #expect(try AppConfig.fromEnvironment(["SINERGI_SECRET_KEY": Data(bytes).base64EncodedString()]).secretKey == bytes)
        #expect(try AppConfig.fromEnvironment([:]).secretKey == nil)
    }

    /// Without SINERGI_SECRET_KEY a server on SQLite keeps its key beside the database; PostgreSQL's servers share
    /// one, so there is no default there; `none` turns the file off; a key in the environment needs no file.
    @Test func whereTheServerKeyIsKept() throws {
        let sqlite = ["DATABASE_URL": "sqlite:///srv/sinergi/data.sqlite"]
        #expect(try AppConfig.fromEnvironment(sqlite).secretKeyFile == "/srv/sinergi/data.sqlite.key")
        #expect(try AppConfig.fromEnvironment(sqlite.merging(["SINERGI_SECRET_KEY_FILE": "/etc/sinergi/key"]) { $1 }).secretKeyFile == "/etc/sinergi/key")
        #expect(try AppConfig.fromEnvironment(sqlite.merging(["SINERGI_SECRET_KEY_FILE": "none"]) { $1 }).secretKeyFile == nil)
        #expect(try AppConfig.fromEnvironment(sqlite.merging(["SINERGI_SECRET_KEY_FILE": " None "]) { $1 }).secretKeyFile == nil)
        let fromEnvironment = try AppConfig.fromEnvironment(sqlite.merging(["SINERGI_SECRET_KEY": String(repeating: "5a", count: 32)]) { $1 })
        #expect(fromEnvironment.secretKeyFile == nil)
        // Not read then, only checked for a second key (warned about at start).
        #expect(fromEnvironment.unusedKeyFile == "/srv/sinergi/data.sqlite.key")
        #expect(try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db"]).secretKeyFile == nil)
    }

    /// The key file is made once, readable by its owner only, and read back the same; two servers starting together
    /// agree on one key; a file that holds no key stops the server with the file named.
    @Test func theKeyFileIsMadeOnceAndReadBack() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sinergi-key-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/nested/data.sqlite.key"
        let first = try SecretKeyFile.loadOrCreate(path)
        #expect(first.created && first.key.count == 32 && Set(first.key).count > 8)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0)
        let again = try SecretKeyFile.loadOrCreate(path)
        #expect(!again.created && again.key == first.key)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/nested") == ["data.sqlite.key"])
        let racing = dir + "/racing.key"
        let keys = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 { group.addTask { try SecretKeyFile.loadOrCreate(racing).key } }
            return try await group.reduce(into: [[UInt8]]()) { $0.append($1) }
        }
        #expect(Set(keys.map { Data($0) }).count == 1)
        // A key file others may read is still read, and said to be (the server logs a warning).
        chmod(path, 0o644)
        #expect(try SecretKeyFile.read(path)?.readableByOthers == true)
        chmod(path, 0o600)
        #expect(try SecretKeyFile.read(path)?.readableByOthers == false)
        let broken = dir + "/broken.key"
        FileManager.default.createFile(atPath: broken, contents: Data("not a key\n".utf8))
        #expect(throws: SecretKeyFile.Unusable.self) { try SecretKeyFile.loadOrCreate(broken) }
        do { _ = try SecretKeyFile.loadOrCreate(broken) } catch {
            let said = "\(error)"
            #expect(said.contains(broken) && said.contains("SINERGI_SECRET_KEY_FILE"))
        }
    }

    /// With PostgreSQL a named key file is only read: one made by each server would differ from the others'.
    @Test func withPostgreSQLAMissingKeyFileStopsTheServer() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("sinergi-missing-\(UUID().uuidString).key").path
        let app = try await Application.make(.testing)
        var config = try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://u:p@127.0.0.1:1/none", "SINERGI_SECRET_KEY_FILE": missing])
        config.makesKeyFile = true
        await #expect(throws: SecretKeyFile.Unusable.self) { try await configure(app, config: config) }
        #expect(!FileManager.default.fileExists(atPath: missing))
        try await app.asyncShutdown()
    }

    /// On SQLite a server started without SINERGI_SECRET_KEY seals second-factor keys under the key it made beside
    /// the database; a key sealed under another server's key is counted as unreadable (what `restore` reports).
    @Test func aServerOnSQLiteSealsWithTheKeyItMade() async throws {
        guard onSQLite else { return }
        // Another command (`audit verify`, `users …`) makes no key: it would make one where none belongs.
        try await withTestApp(extra: Self.required) { app in
            let file = try #require(app.config.secretKeyFile)
            #expect(app.config.secretKey == nil && !FileManager.default.fileExists(atPath: file))
        }
        try await withTestApp(extra: Self.required, adjust: { $0.makesKeyFile = true }) { app in
            let file = try #require(app.config.secretKeyFile)
            #expect(try SecretKeyFile.read(file)?.key == app.config.secretKey && app.config.secretKey != nil)
            // … and once the server has made it, the other commands read it.
            let command = try await makeApp("sqlite://" + String(file.dropLast(".key".count)))
            #expect(command.config.secretKey == app.config.secretKey)
            try await command.asyncShutdown()
            let users = try await User.query(on: app.db).sort(\.$email).range(0..<3).all()
            let secret = Base32.encode(TOTP.newSecret())
            users[0].totpSecret = try SecretBox.seal(secret, key: app.config.secretKey, owner: users[0].id!)
            users[1].totpSecret = try SecretBox.seal(secret, key: Array(repeating: 9, count: 32), owner: users[1].id!)
            users[2].totpPending = secret
            for u in users { try await u.save(on: app.db) }
            #expect(try await SecondFactor.unreadable(app) == 1)
            let b = Browser(app)
            _ = try await b.login(Self.supervisor)
            _ = try await b.get("/account/two-factor")
            let supervisor = try #require(try await User.query(on: app.db).filter(\.$email == Self.supervisor).first())
            let pending = try #require(supervisor.totpPending)
            #expect(SecretBox.isSealed(pending) && SecretBox.open(pending, key: app.config.secretKey, owner: supervisor.id!) != nil)
        }
    }

    @Test func aSupervisorMustSetUpTheSecondFactorAndThenSignsInWithIt() async throws {
        try await withTestApp(extra: Self.required) { app in
            let b = Browser(app)
            let first = try await b.login(Self.supervisor)
            #expect(first.status == .seeOther && first.headers.first(name: .location) == "/account/two-factor")
            // Until it is set up, every other page leads there, and other forms are refused.
            let elsewhere = try await b.get("/foreigners")
            #expect(elsewhere.status == .seeOther && elsewhere.headers.first(name: .location) == "/account/two-factor")
            #expect(try await b.post("/tasks", form: ["title": "x"]).status == .forbidden)
            // The API will not issue a token either.
            var h = HTTPHeaders(); h.contentType = .json
            let token = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: h,
                                                            body: ByteBuffer(string: #"{"email":"\#(Self.supervisor)","password":"\#(TestDatabases.password)"}"#))
            #expect(token.status == .forbidden && token.body.string.contains("tfa.enrolFirst"))

            let page = try await b.get("/account/two-factor")
            #expect(page.status == .ok && page.body.string.contains("<svg") && page.body.string.contains("id=\"tfa-key\"")
                    && page.body.string.contains("wajib"))
            // A reload shows the same key.
            let pendingUser = try #require(try await User.query(on: app.db).filter(\.$email == Self.supervisor).first())
            let sealedKey = try #require(pendingUser.totpPending)
            let key = try #require(SecretBox.open(sealedKey, key: app.config.secretKey, owner: pendingUser.id!))
            #expect(try await b.get("/account/two-factor").body.string.contains(Base32.grouped(key)))
            let wrong = try await b.post("/account/two-factor", form: ["code": "000000"])
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("Kode salah") && wrong.body.string.contains(Base32.grouped(key)))
            let on = try await b.post("/account/two-factor", form: ["code": try await Self.currentCode(app, Self.supervisor)])
            #expect(on.status == .ok && on.body.string.contains("id=\"recovery-codes\""))
            let codes = on.body.string.components(separatedBy: "<li><code>").dropFirst().map { String($0.prefix(11)) }
            #expect(codes.count == 10 && codes.allSatisfy { $0.count == 11 && $0.contains("-") })
            // The session is a full one now.
            #expect(try await b.get("/foreigners").status == .ok)
            try await b.post("/logout", form: [:])

            // Next sign-in: password, then the code. The same code a second time is refused (it works once).
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(120) })
            let b2 = Browser(app)
            let step1 = try await b2.login(Self.supervisor)
            #expect(step1.status == .seeOther && step1.headers.first(name: .location) == "/login/code")
            #expect(try await b2.get("/foreigners").status == .seeOther)        // not signed in yet
            let bad = try await b2.post("/login/code", form: ["code": "123456"])
            #expect(bad.status == .unauthorized && bad.body.string.contains("Kode salah"))
            let code = try await Self.currentCode(app, Self.supervisor)
            let good = try await b2.post("/login/code", form: ["code": code])
            #expect(good.status == .seeOther && good.headers.first(name: .location) == "/")
            #expect(try await b2.get("/foreigners").status == .ok)
            let b3 = Browser(app)
            try await b3.login(Self.supervisor)
            #expect(try await b3.post("/login/code", form: ["code": code]).status == .unauthorized)
            // A recovery code works once, and says how many remain.
            let rec = try await b3.post("/login/code", form: ["code": codes[0].uppercased()])
            #expect(rec.status == .seeOther && rec.headers.first(name: .location) == "/account/two-factor")
            #expect(try await b3.get("/account/two-factor").body.string.contains("9 kode pemulihan"))
            let b4 = Browser(app)
            try await b4.login(Self.supervisor)
            #expect(try await b4.post("/login/code", form: ["code": codes[0]]).status == .unauthorized)

            // By API the code travels with the password.
            let noCode = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: h,
                                                             body: ByteBuffer(string: #"{"email":"\#(Self.supervisor)","password":"\#(TestDatabases.password)"}"#))
            #expect(noCode.status == .unauthorized && noCode.body.string.contains("login.codeNeeded"))
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(240) })
            let withCode = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: h, body: ByteBuffer(string:
                #"{"email":"\#(Self.supervisor)","password":"\#(TestDatabases.password)","code":"\#(try await Self.currentCode(app, Self.supervisor))"}"#))
            #expect(withCode.status == .ok)
            // The required factor cannot be turned off.
            let off = try await b2.post("/account/two-factor/disable", form: ["code": codes[1]])
            #expect(off.status == .conflict)
            let actions = try await AuditEventRecord.query(on: app.db).filter(\.$action ~~ ["auth.tfa.enable", "auth.code_failed", "auth.password_ok"]).all().map(\.action)
            #expect(Set(actions) == ["auth.tfa.enable", "auth.code_failed", "auth.password_ok"])
        }
    }

    /// Phone and recovery codes lost: the admin turns the factor off; the user's sessions end and, where the role
    /// requires it, the next sign-in sets it up again.
    @Test func theAdminResetsALostSecondFactor() async throws {
        try await withTestApp(extra: ["SINERGI_TOTP_ROLES": "supervisor"]) { app in
            let b = Browser(app)
            try await b.login(Self.supervisor)
            _ = try await b.get("/account/two-factor")
            #expect(try await b.post("/account/two-factor", form: ["code": try await Self.currentCode(app, Self.supervisor)]).status == .ok)
            let sup = try #require(try await User.query(on: app.db).filter(\.$email == Self.supervisor).first())
            let admin = Browser(app)
            try await admin.login("admin@demo.sinergi.id")
            #expect(try await admin.get("/admin/users/\(sup.id!)").body.string.contains("tfa-reset-form"))
            #expect(try await admin.post("/admin/users/\(sup.id!)/two-factor-reset", form: [:]).status == .seeOther)
            #expect(try await b.get("/foreigners").status == .seeOther)
            #expect(try await User.find(sup.id, on: app.db)?.totpSecret == nil)
            #expect(try await RecoveryCode.query(on: app.db).filter(\.$userID == sup.id!).count() == 0)
            #expect(try await Browser(app).login(Self.supervisor).headers.first(name: .location) == "/account/two-factor")
            // Not one's own; by API too.
            let me = try #require(try await User.query(on: app.db).filter(\.$email == "admin@demo.sinergi.id").first())
            let token = try await apiToken(app, "admin@demo.sinergi.id")
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/admin/users/\(me.id!)/two-factor-reset", headers: bearer(token)).status == .conflict)
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/admin/users/\(sup.id!)/two-factor-reset", headers: bearer(token)).status == .ok)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "auth.tfa.reset").count() == 2)
        }
    }

    @Test func anOfficerMayTurnTheSecondFactorOnAndOff() async throws {
        try await withTestApp(extra: Self.required) { app in
            let b = Browser(app)
            #expect(try await b.login(Self.officer).headers.first(name: .location) == "/")
            #expect(try await b.get("/account").body.string.contains("Belum aktif"))
            _ = try await b.get("/account/two-factor")
            let on = try await b.post("/account/two-factor", form: ["code": try await Self.currentCode(app, Self.officer)])
            #expect(on.status == .ok)
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(60) })
            // New recovery codes need a current code; the old ones stop working.
            #expect(try await b.post("/account/two-factor/recovery-codes", form: ["code": "999999"]).status == .unprocessableEntity)
            let renewed = try await b.post("/account/two-factor/recovery-codes", form: ["code": try await Self.currentCode(app, Self.officer)])
            #expect(renewed.status == .ok && renewed.headers.first(name: .cacheControl) == "no-store")
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(120) })
            let off = try await b.post("/account/two-factor/disable", form: ["code": try await Self.currentCode(app, Self.officer)])
            #expect(off.status == .seeOther)
            let u = try #require(try await User.query(on: app.db).filter(\.$email == Self.officer).first())
            #expect(u.totpSecret == nil && u.totpEnabledAt == nil)
            #expect(try await RecoveryCode.query(on: app.db).filter(\.$userID == u.id!).count() == 0)
            #expect(try await Browser(app).login(Self.officer).headers.first(name: .location) == "/")
        }
    }

    // MARK: Throttling

    @Test func repeatedFailuresAreThrottledPerAccountWithoutTellingWhetherItExists() async throws {
        try await withTestApp { app in
            for _ in 0..<5 { #expect(try await Browser(app).login(Self.officer, password: "salah-sekali-1").status == .unauthorized) }
            // The sixth attempt is refused even with the right password, with a clear page and Retry-After.
            let blocked = try await Browser(app).login(Self.officer)
            #expect(blocked.status == .tooManyRequests && blocked.body.string.contains("Terlalu banyak percobaan masuk"))
            #expect(Int(blocked.headers.first(name: .retryAfter) ?? "") ?? 0 > 800)
            var h = HTTPHeaders(); h.contentType = .json
            let api = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: h,
                                                          body: ByteBuffer(string: #"{"email":"\#(Self.officer)","password":"\#(TestDatabases.password)"}"#))
            #expect(api.status == .tooManyRequests && api.headers.first(name: .retryAfter) != nil)
            // An address without an account answers exactly alike.
            for _ in 0..<5 { #expect(try await Browser(app).login("tidak.ada@contoh.id", password: "salah-sekali-1").status == .unauthorized) }
            #expect(try await Browser(app).login("tidak.ada@contoh.id").status == .tooManyRequests)
            // Another account is not affected; fifteen minutes later the officer may sign in again.
            #expect(try await Browser(app).login(Self.supervisor).status == .seeOther)
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(15 * 60 + 1) })
            #expect(try await Browser(app).login(Self.officer).status == .seeOther)
        }
    }

    @Test func manyFailuresFromOneAddressAreThrottled() async throws {
        try await withTestApp { app in
            for i in 0..<SignInThrottle.perAddress { _ = try await Browser(app).login("orang\(i)@contoh.id", password: "salah-sekali-1") }
            #expect(try await Browser(app).login(Self.officer).status == .tooManyRequests)
            // Kept in the database: another server on the same database sees the same count.
            #expect(try await SignInFailure.query(on: app.db).count() == SignInThrottle.perAddress * 2)
        }
    }

    // MARK: Password, sessions, idle timeout

    @Test func aPasswordChangeEndsEveryOtherSession() async throws {
        try await withTestApp { app in
            let here = Browser(app), there = Browser(app)
            try await here.login(Self.officer); try await there.login(Self.officer)
            let token = try await apiToken(app, Self.officer)
            let wrong = try await here.post("/account/password", form: ["currentPassword": "bukan-ini-123", "newPassword": "kuda-laut-biru-77", "confirm": "kuda-laut-biru-77"])
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("Kata sandi sekarang salah") && !wrong.body.string.contains("kuda-laut"))
            let weak = try await here.post("/account/password", form: ["currentPassword": TestDatabases.password, "newPassword": "password", "confirm": "password"])
            #expect(weak.status == .unprocessableEntity && weak.body.string.contains("terlalu umum"))
            let ok = try await here.post("/account/password", form: ["currentPassword": TestDatabases.password, "newPassword": "kuda-laut-biru-77", "confirm": "kuda-laut-biru-77"])
            #expect(ok.status == .seeOther)
            #expect(try await here.get("/account").status == .ok)
            #expect(try await there.get("/account").status == .seeOther)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/account", headers: bearer(token)).status == .unauthorized)
            #expect(try await Browser(app).login(Self.officer, password: "kuda-laut-biru-77").status == .seeOther)
            // By API.
            let t2 = try await apiToken(app, Self.officer, password: "kuda-laut-biru-77")
            var h = bearer(t2); h.contentType = .json
            let api = try await app.testing().sendRequest(.POST, "/api/v1/account/password", headers: h,
                                                          body: ByteBuffer(string: #"{"currentPassword":"kuda-laut-biru-77","newPassword":"ikan-paus-hijau-88"}"#))
            #expect(api.status == .noContent)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/account", headers: bearer(t2)).status == .ok)
            #expect(try await here.get("/account").status == .seeOther)
        }
    }

    @Test func aUserListsAndEndsTheirOwnSessions() async throws {
        try await withTestApp { app in
            let laptop = Browser(app), phone = Browser(app)
            try await laptop.login(Self.officer); try await phone.login(Self.officer)
            let token = try await apiToken(app, Self.officer)
            struct Item: Decodable { var id: String; var kind: String; var current: Bool }
            struct Page: Decodable { var items: [Item]; var total: Int }
            let list = try JSONDecoder().decode(Page.self, from: Data(try await app.testing().sendRequest(.GET, "/api/v1/account/sessions", headers: bearer(token)).body.readableBytesView))
            #expect(list.total == 3 && list.items.filter { $0.kind == "session" }.count == 2 && list.items.filter(\.current).map(\.kind) == ["token"])
            // Another user's session cannot be named.
            let other = try await apiToken(app, Self.supervisor)
            let sessionID = try #require(list.items.first { $0.kind == "session" }?.id)
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/account/sessions/\(sessionID)/revoke", headers: bearer(other)).status == .notFound)
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/account/sessions/zz/revoke", headers: bearer(token)).status == .notFound)
            // On the web: the page lists both browsers; ending the phone's session signs the phone out.
            let page = try await laptop.get("/account/sessions")
            #expect(page.status == .ok && page.body.string.contains("yang ini"))
            let phoneHash = Tokens.digest(try #require(phone.cookies[SessionCookie.name]))
            let end = try await laptop.post("/account/sessions/\(OwnSessions.publicID(phoneHash))/revoke", form: [:])
            #expect(end.status == .seeOther)
            #expect(try await phone.get("/account").status == .seeOther)
            #expect(try await laptop.get("/account").status == .ok)
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/account/sessions/\(sessionID)/revoke", headers: bearer(token)).status != .internalServerError)
        }
    }

    @Test func anIdleSessionEnds() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login(Self.officer)
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(50 * 60) })
            #expect(try await b.get("/account").status == .ok)          // used within the hour: kept, and seen again
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(105 * 60) })
            #expect(try await b.get("/account").status == .ok)
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(170 * 60) })
            let gone = try await b.get("/account")
            #expect(gone.status == .seeOther && gone.headers.first(name: .location) == "/login?next=%2Faccount")
            #expect(try await b.get("/login?next=%2Faccount").body.string.contains("lama tidak dipakai"))
            #expect(try await SessionRecord.query(on: app.db).count() == 0)
        }
    }

    // MARK: Client address

    @Test func forwardedForIsBelievedOnlyFromATrustedProxy() async throws {
        try await withTestApp(extra: ["SINERGI_TRUSTED_PROXIES": "10.0.0.0/8,192.168.1.5"]) { app in
            func request(peer: String, forwarded: String?) -> Request {
                var h = HTTPHeaders()
                if let forwarded { h.add(name: .xForwardedFor, value: forwarded) }
                return Request(application: app, method: .GET, url: "/", headers: h, remoteAddress: try! SocketAddress(ipAddress: peer, port: 4000),
                               on: app.eventLoopGroup.next())
            }
            // A citizen behind the proxy gets their own address; several proxies are walked back.
            #expect(request(peer: "10.1.2.3", forwarded: "203.0.113.9").clientAddress == "203.0.113.9")
            #expect(request(peer: "192.168.1.5", forwarded: "203.0.113.9, 10.0.0.7").clientAddress == "203.0.113.9")
            // A client that forges the header itself, straight to the server, is seen as itself.
            #expect(request(peer: "198.51.100.4", forwarded: "203.0.113.9").clientAddress == "198.51.100.4")
            // Through the proxy, a forged first entry cannot hide the real one the proxy appended.
            #expect(request(peer: "10.1.2.3", forwarded: "1.2.3.4, 203.0.113.9").clientAddress == "203.0.113.9")
            #expect(request(peer: "10.1.2.3", forwarded: "bukan-alamat").clientAddress == "10.1.2.3")
        }
        try await withTestApp { app in
            var h = HTTPHeaders(); h.add(name: .xForwardedFor, value: "203.0.113.9")
            let r = Request(application: app, method: .GET, url: "/", headers: h, remoteAddress: try SocketAddress(ipAddress: "10.1.2.3", port: 4000), on: app.eventLoopGroup.next())
            #expect(r.clientAddress == "10.1.2.3")
        }
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(["SINERGI_TRUSTED_PROXIES": "10.0.0.0/40"]) }
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(["SINERGI_TOTP_ROLES": "admin,integration"]) }
        #expect(try AppConfig.fromEnvironment([:]).totpRoles == [.admin, .supervisor])
        #expect(try AppConfig.fromEnvironment(["SINERGI_TOTP_ROLES": "none"]).totpRoles.isEmpty)
    }
}

@Suite struct ServerKeyNoticeTests {
    /// Without the server key the administrator's home page says what is unprotected and how to set it, in the page's
    /// language; with the key it says nothing, and other roles never see it.
    @Test func theAdministratorIsToldWhenTheServerKeyIsMissing() async throws {
        try await withTestApp(extra: ["SINERGI_SECRET_KEY_FILE": "none"]) { app in
            let admin = Browser(app)
            try await admin.login("admin@demo.sinergi.id")
            let home = try await admin.get("/")
            #expect(home.status == .ok && home.body.string.contains("id=\"secret-key-missing\""))
            #expect(home.body.string.contains("Kunci server (SINERGI_SECRET_KEY) belum diatur") && home.body.string.contains("sinergi users seal-secrets"))
            // At the top, before the figures: a notice at the foot of a long page on a phone goes unseen.
            let body = home.body.string
            #expect((body.range(of: "secret-key-missing")?.lowerBound ?? body.endIndex) < (body.range(of: "id=\"stats\"")?.lowerBound ?? body.startIndex))
            let officer = Browser(app)
            try await officer.login("supervisor@demo.sinergi.id")
            #expect(!(try await officer.get("/")).body.string.contains("secret-key-missing"))
        }
        let key = (0..<32).map { UInt8($0 * 11 % 256) }
        try await withTestApp(extra: ["SINERGI_SECRET_KEY": Data(key).base64EncodedString()]) { app in
            let admin = Browser(app)
            try await admin.login("admin@demo.sinergi.id")
            let home = try await admin.get("/")
            #expect(home.status == .ok && home.body.string.contains("id=\"audit-count\"") && !home.body.string.contains("secret-key-missing"))
        }
    }
}
