import Fluent
import SQLKit
import Vapor

/// The one place that decides which rows a user may see. Handlers never test roles themselves:
/// they ask this policy for a scoped query, or for a count filter.
///
/// - officer, supervisor: foreigners and sponsors whose residence/seat lies in the office's jurisdiction;
/// - sponsor: only the foreigners it currently sponsors, and only itself as a sponsor;
/// - agency (Timpora member): never personal fields; counts for its own region only;
/// - admin: counts for everything; no personal data (users, reference data, audit instead).
enum ScopePolicy {
    enum RowFilter: Sendable, Equatable {
        case all
        case regencies([String])
        case regionPrefix(String)
        case sponsor(UUID)
        /// An agent's grant: the sponsor's foreigners it names (over the foreigners table).
        case sponsorForeigners(UUID, [UUID])
        case nothing

        /// The filter over a table aliased `alias` (for joins).
        func qualified(_ alias: String) -> any SQLExpression {
            switch self {
            case .all: return SQLQueryString("1 = 1")
            case .nothing: return SQLQueryString("1 = 0")
            case .regencies(let codes):
                return codes.isEmpty ? SQLQueryString("1 = 0") : SQLQueryString("\(ident: alias).regency_code IN (\(binds: codes))")
            case .regionPrefix(let code):
                return SQLQueryString("(\(ident: alias).village_code = \(bind: code) OR \(ident: alias).village_code LIKE \(bind: code + ".%"))")
            case .sponsor(let id):
                return SQLQueryString("\(ident: alias).sponsor_id = \(bind: id)")
            case .sponsorForeigners(let id, let people):
                return people.isEmpty ? SQLQueryString("1 = 0") : SQLQueryString("(\(ident: alias).sponsor_id = \(bind: id) AND \(ident: alias).id IN (\(binds: people)))")
            }
        }

        /// The same filter as SQL over a table with `regency_code`, `village_code`, `sponsor_id` columns.
        var sql: any SQLExpression {
            switch self {
            case .all: return SQLQueryString("1 = 1")
            case .nothing: return SQLQueryString("1 = 0")
            case .regencies(let codes):
                return codes.isEmpty ? SQLQueryString("1 = 0") : SQLQueryString("regency_code IN (\(binds: codes))")
            case .regionPrefix(let code):
                return SQLQueryString("(village_code = \(bind: code) OR village_code LIKE \(bind: code + ".%"))")
            case .sponsor(let id):
                return SQLQueryString("sponsor_id = \(bind: id)")
            case .sponsorForeigners(let id, let people):
                return people.isEmpty ? SQLQueryString("1 = 0") : SQLQueryString("(sponsor_id = \(bind: id) AND id IN (\(binds: people)))")
            }
        }
    }

    /// Whose personal data this user may read. Throws 403 for roles that see counts only.
    static func personalFilter(_ p: Principal) throws -> RowFilter {
        switch p.role {
        case .officer, .supervisor: return .regencies(p.jurisdiction)
        case .sponsor: return sponsorFilter(p)
        case .agency, .admin, .integration: throw Abort(.forbidden)
        }
    }

    /// Which foreigners this user's aggregate counts cover.
    static func countFilter(_ p: Principal) -> RowFilter {
        switch p.role {
        case .admin: return .all
        case .integration: return .nothing
        case .officer, .supervisor: return .regencies(p.jurisdiction)
        case .agency: return p.agencyRegionCode.map(RowFilter.regionPrefix) ?? .nothing
        case .sponsor: return sponsorFilter(p)
        }
    }

    /// A sponsor's users: its foreigners. An agent: those its grant names, or the whole company's.
    static func sponsorFilter(_ p: Principal) -> RowFilter {
        guard let s = p.sponsorID else { return .nothing }
        if let people = p.agentForeigners { return .sponsorForeigners(s, people) }
        return .sponsor(s)
    }

    /// Whether a sponsor's user may see what concerns one of its foreigners (an agent: only those granted).
    static func mayReachForeigner(_ id: UUID, _ p: Principal) -> Bool {
        p.agentForeigners.map { $0.contains(id) } ?? true
    }

    /// Company-wide matters (inspections of the company, RPTKA and DKPTKA): the company's users, and agents
    /// granted the whole company.
    static func mayReachCompany(_ p: Principal) -> Bool { p.role == .sponsor && p.sponsorID != nil && p.agentForeigners == nil }

    /// The company's own admin (never an agent): users and agents' grants.
    static func mayAdministerCompany(_ p: Principal) -> Bool { p.isSponsorAdmin && p.agentOrg == nil }

    static func foreigners(_ req: Request) throws -> QueryBuilder<Foreigner> {
        let filter = try personalFilter(try req.requirePrincipal())
        return Foreigner.query(on: req.db).filter(.sql(filter.sql))
    }

    /// One foreigner, if in scope. Out-of-scope and non-existent look the same (404), so the
    /// answer does not reveal that a record exists elsewhere.
    static func foreigner(_ id: UUID, _ req: Request) async throws -> Foreigner {
        guard let f = try await foreigners(req).filter(\.$id == id).first() else { throw Abort(.notFound) }
        return f
    }

    /// One foreigner's detail, if in scope (404 otherwise, as `foreigner`), read in one statement.
    static func foreignerDetail(_ id: UUID, _ req: Request) async throws -> ForeignerDetail {
        let filter = try personalFilter(try req.requirePrincipal())
        guard let d = try await ForeignerDetail.read(id, within: filter, today: req.application.today, on: req.db, reading: req.quickReads) else { throw Abort(.notFound) }
        return d
    }

    /// Sponsors in scope; a record merged into another is left out unless asked for (its old links lead to the kept one).
    static func sponsors(_ req: Request, includingMerged: Bool = false) throws -> QueryBuilder<Sponsor> {
        let p = try req.requirePrincipal()
        let query: QueryBuilder<Sponsor>
        switch p.role {
        case .officer, .supervisor:
            query = Sponsor.query(on: req.db).filter(.sql(RowFilter.regencies(p.jurisdiction).sql))
        case .sponsor:
            query = Sponsor.query(on: req.db).filter(\.$id == (p.sponsorID ?? UUID()))
        case .agency, .admin, .integration:
            throw Abort(.forbidden)
        }
        return includingMerged ? query : query.filter(\.$mergedInto == nil)
    }

    /// Merge proposals whose kept sponsor lies in the office's jurisdiction (officers and supervisors only).
    static func sponsorMerges(_ req: Request) throws -> QueryBuilder<SponsorMerge> {
        let p = try req.requirePrincipal()
        guard p.role == .officer || p.role == .supervisor else { throw Abort(.forbidden) }
        return SponsorMerge.query(on: req.db).filter(.sql(SQLQueryString("kept_id IN (SELECT id FROM sponsors WHERE \(RowFilter.regencies(p.jurisdiction).sql))")))
    }

    static func sponsor(_ id: UUID, _ req: Request) async throws -> Sponsor {
        guard let s = try await sponsors(req).filter(\.$id == id).first() else { throw Abort(.notFound) }
        return s
    }

    /// `column` holds a region that overlaps `code`: the region itself, one of its ancestors, or one inside it — in
    /// SQL, so that a list is scoped before its LIMIT, never filtered after it.
    static func overlapping(_ column: String, _ code: String) -> SQLQueryString {
        let parts = code.split(separator: ".").map(String.init)
        let selfAndAncestors: [any Encodable & Sendable] = (1...max(1, parts.count)).map { parts.prefix($0).joined(separator: ".") }
        return SQLQueryString("(\(ident: column) IN (\(binds: selfAndAncestors)) OR \(ident: column) LIKE \(bind: code + ".%"))")
    }

    /// Joint operations: officers and supervisors their office's; agency members those whose area lies in (or
    /// contains) their region.
    static func operations(_ req: Request) throws -> QueryBuilder<JointOperation> {
        try officeOrRegion(req, office: \.$officeID, regionColumn: "area_code")
    }

    /// Coordination meetings: the office's; for agency members, those of their region.
    static func meetings(_ req: Request) throws -> QueryBuilder<Meeting> {
        try officeOrRegion(req, office: \.$officeID, regionColumn: "region_code")
    }

    /// Timpora work shared by an office and the agencies of a region: officers and supervisors see their office's
    /// rows, agency members the rows whose region overlaps theirs; nobody else.
    private static func officeOrRegion<M: Model>(_ req: Request, office: KeyPath<M, FieldProperty<M, UUID>>, regionColumn: String) throws -> QueryBuilder<M> {
        let p = try req.requirePrincipal()
        switch p.role {
        case .officer, .supervisor:
            guard let id = p.officeID else { throw Abort(.forbidden) }
            return M.query(on: req.db).filter(office == id)
        case .agency:
            guard let region = p.agencyRegionCode else { throw Abort(.forbidden) }
            return M.query(on: req.db).filter(.sql(overlapping(regionColumn, region)))
        case .sponsor, .admin, .integration:
            throw Abort(.forbidden)
        }
    }

    /// Inspections: the office's; a company sees its own once done (not an agent with chosen foreigners only).
    static func inspections(_ req: Request) throws -> QueryBuilder<Inspection> {
        let p = try req.requirePrincipal()
        switch p.role {
        case .officer, .supervisor:
            guard let office = p.officeID else { throw Abort(.forbidden) }
            return Inspection.query(on: req.db).filter(\.$officeID == office)
        case .sponsor:
            guard mayReachCompany(p), let sponsor = p.sponsorID else { throw Abort(.forbidden) }
            return Inspection.query(on: req.db).filter(\.$sponsorID == sponsor).filter(\.$status == InspectionStatus.done.rawValue)
        case .agency, .admin, .integration:
            throw Abort(.forbidden)
        }
    }

    /// The active Timpora agencies an office works with: those whose region overlaps its jurisdiction, by name.
    static func agencies(workingWith p: Principal, db: any Database) async throws -> [Agency] {
        try await Agency.query(on: db).filter(\.$active == true).sort(\.$name).all()
            .filter { a in p.jurisdiction.contains { RegionCode.overlaps($0, a.regionCode) } }
    }

    // MARK: - What a role may do: the only place in the app that names roles (route guards aside)

    /// Immigration staff: officers and supervisors of an office — the registry's personal data in their jurisdiction.
    static func isOfficeStaff(_ p: Principal?) -> Bool { p?.role == .officer || p?.role == .supervisor }

    /// Timpora agency members: counts and their own lists only, never the registry's personal data; they take part
    /// in joint operations and meetings but do not plan or record them.
    static func seesCountsOnly(_ p: Principal?) -> Bool { p?.role == .agency }

    /// A sponsor's people (the company's users and its agents): their own foreigners; never an office's internal notes.
    static func isCompany(_ p: Principal?) -> Bool { p?.role == .sponsor }

    /// The head of office or an official he names: approves reports and identity changes, assigns tasks, runs scans.
    static func maySupervise(_ p: Principal?) -> Bool { p?.role == .supervisor }

    /// Immigration staff checking a passport number in the field may learn which office holds a record of it when
    /// their own jurisdiction has none — the office's name only, never the person (`LookupController.registeredElsewhere`).
    static func mayLearnRegisteringOffice(_ p: Principal?) -> Bool { p?.role == .officer || p?.role == .supervisor }

    /// The system's administrators: accounts, offices and reference data; counts, never personal data.
    static func isAdmin(_ p: Principal?) -> Bool { p?.role == .admin }

    /// Who decides an administrative action (TAK): a supervisor of the office (the head of office or an
    /// official he names); officers propose, carry out and close.
    static func mayDecideActions(_ p: Principal) -> Bool { p.role == .supervisor }

    /// Who issues an order (surat perintah): the head of office or an official he names — a supervisor.
    static func mayIssueOrders(_ p: Principal) -> Bool { p.role == .supervisor }

    /// Agency imports: agency members their agency's own; officers and supervisors their office's, and agency
    /// imports whose region overlaps their jurisdiction (as `canSee`, in SQL). Nobody else. Lists and single imports
    /// alike are read through it; `canSee` is the same rule for imports already loaded (the discrepancy counts).
    static func imports(_ req: Request) throws -> QueryBuilder<AgencyImport> {
        let p = try req.requirePrincipal()
        let q = AgencyImport.query(on: req.db)
        switch p.role {
        case .agency:
            guard let agency = p.agencyID else { throw Abort(.forbidden) }
            return q.filter(\.$agency.$id == agency)
        case .officer, .supervisor:
            // `scope` is `prefix:<region>` (an agency's region) or `regencies:<code>,<code>` (a jurisdiction).
            var visible: [SQLQueryString] = ["office_id = \(bind: try office(p))"]
            for regency in p.jurisdiction {
                let parts = regency.split(separator: ".").map(String.init)
                let selfAndAncestors: [any Encodable & Sendable] = (1...max(1, parts.count)).map { "prefix:" + parts.prefix($0).joined(separator: ".") }
                visible.append("scope IN (\(binds: selfAndAncestors))")
                visible.append("scope LIKE \(bind: "prefix:" + regency + ".%")")
                visible.append("(scope LIKE 'regencies:%' AND ',' || SUBSTR(scope, 11) || ',' LIKE \(bind: "%," + regency + ",%"))")
            }
            let any = visible.dropFirst().reduce(visible[0]) { $0 + " OR " + $1 }
            return q.filter(.sql("(" + any + ")" as SQLQueryString))
        case .sponsor, .admin, .integration:
            throw Abort(.forbidden)
        }
    }

    static func canSee(_ imp: AgencyImport, _ p: Principal) -> Bool {
        switch p.role {
        case .agency:
            return imp.$agency.id != nil && imp.$agency.id == p.agencyID
        case .officer, .supervisor:
            if let office = p.officeID, imp.$office.id == office { return true }
            switch imp.regionFilter {
            case .regionPrefix(let prefix):
                return p.jurisdiction.contains { RegionCode.overlaps($0, prefix) }
            case .regencies(let codes):
                return !Set(codes).isDisjoint(with: p.jurisdiction)
            default:
                return false
            }
        case .sponsor, .admin, .integration:
            return false
        }
    }

    /// Whether an import counts towards this user's aggregate figures (discrepancy counts): officers
    /// the imports they may see; agency members every agency's import overlapping their region.
    static func canCount(_ imp: AgencyImport, _ p: Principal) -> Bool {
        guard p.role == .agency else { return canSee(imp, p) }
        guard let region = p.agencyRegionCode else { return false }
        switch imp.regionFilter {
        case .regionPrefix(let prefix):
            return RegionCode.overlaps(prefix, region)
        case .regencies(let codes):
            return codes.contains { RegionCode.overlaps($0, region) }
        default:
            return false
        }
    }

    /// The office an officer or supervisor works for; 403 for anyone without one.
    static func office(_ p: Principal) throws -> UUID {
        guard p.role == .officer || p.role == .supervisor, let office = p.officeID else { throw Abort(.forbidden) }
        return office
    }

    /// The people of the user's office (assignees, order holders, report authors by name).
    static func staff(_ req: Request) throws -> QueryBuilder<User> {
        User.query(on: req.db).filter(\.$office.$id == (try office(try req.requirePrincipal())))
    }

    /// Field orders (surat perintah): the office's.
    static func orders(_ req: Request) throws -> QueryBuilder<FieldOrder> {
        FieldOrder.query(on: req.db).filter(\.$officeID == (try office(try req.requirePrincipal())))
    }

    /// Daily reports: an officer his own; a supervisor the office's and his own. Nobody else. Lists and single
    /// reports alike are read through it.
    static func dailyReports(_ req: Request) throws -> QueryBuilder<DailyReport> {
        let p = try req.requirePrincipal()
        let q = DailyReport.query(on: req.db)
        switch p.role {
        case .officer: return q.filter(\.$officerID == p.userID)
        case .supervisor:
            let office = try office(p)
            return q.group(.or) { $0.filter(\.$officeID == office).filter(\.$officerID == p.userID) }
        case .agency, .sponsor, .admin, .integration: throw Abort(.forbidden)
        }
    }

    /// The registry rows an agency list is compared with for discrepancies: an agency member's region (counts only
    /// are shown to him), an officer's jurisdiction.
    static func discrepancyRegistry(_ p: Principal) -> RowFilter {
        seesCountsOnly(p) ? countFilter(p) : .regencies(p.jurisdiction)
    }

    /// Mandatory reports: a company's people those it filed (an agent: about the foreigners its grant names);
    /// officers and supervisors those whose foreigner lived in their jurisdiction when filed. Lists and single reports
    /// alike are read through it.
    static func sponsorReports(_ req: Request) throws -> QueryBuilder<SponsorReport> {
        let p = try req.requirePrincipal()
        let q = SponsorReport.query(on: req.db)
        switch p.role {
        case .sponsor:
            guard let sponsor = p.sponsorID else { throw Abort(.forbidden) }
            q.filter(\.$sponsorID == sponsor)
            if let people = p.agentForeigners { q.filter(\.$foreignerID ~~ people) }
            return q
        case .officer, .supervisor: return q.filter(\.$regencyCode ~~ p.jurisdiction)
        case .agency, .admin, .integration: throw Abort(.forbidden)
        }
    }

    /// Early warnings of permits ending: those of foreigners living in the office's jurisdiction.
    static func warnings(_ req: Request) throws -> QueryBuilder<PermitWarning> {
        let p = try req.requirePrincipal()
        _ = try office(p)
        return PermitWarning.query(on: req.db).filter(\.$regencyCode ~~ p.jurisdiction)
    }

    /// Field tasks: an officer those assigned to him; a supervisor the office's, or those of one officer
    /// (`assignedTo`). Nobody else.
    static func tasks(_ req: Request, assignedTo: UUID?) throws -> QueryBuilder<FieldTask> {
        let p = try req.requirePrincipal()
        let who: UUID?
        switch p.role {
        case .officer: who = p.userID
        case .supervisor: who = assignedTo
        case .agency, .sponsor, .admin, .integration: throw Abort(.forbidden)
        }
        let q = FieldTask.query(on: req.db).filter(\.$officeID == (try office(p)))
        if let who {
            q.join(FieldTaskAssignee.self, on: \FieldTask.$id == \FieldTaskAssignee.$taskID).filter(FieldTaskAssignee.self, \.$userID == who)
        }
        return q
    }
}
