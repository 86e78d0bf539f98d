/// How the product's reconciliation of an agency list (issue 9) turns the pairs of a one-to-one run into
/// three states. It is the same engine, model and pairs as `sinergi match`; these are its only settings
/// beyond it, and `sinergi match --bands` applies them to any pair of files so that they can be measured
/// on every labelled set (docs/performance.md).
public struct ReconciliationBands: Sendable, Equatable {
    /// At or above, with names or document agreeing: matched without a person looking.
    public var acceptAt = 0.90
    /// At or above (and not matched): the review queue. Below: unmatched. 0.5, more likely than not: the engine's
    /// probabilities are calibrated, and a pair below it is more often wrong than right (from 0.20 to 0.50 a third to a
    /// half of them on the labelled sets); with 0.20 the Timpora set's queue was 3.6 % of the list, over the 3 % an office
    /// can work through (docs/performance.md). It is also the threshold of `sinergi match`.
    public var reviewAt = 0.50
    /// An automatic match also needs a document number that agrees exactly, or every name field present on
    /// both sides at least this level in the engine's own comparison (1: alike; names swapped between
    /// fields compared crosswise). A parent and child share a family name, date-of-birth look-alikes on a
    /// large registry share nationality and sex: such pairs go to review however strong the rest looks.
    public var automaticNameLevel = 1

    public init() {}

    public enum State: String, Sendable, CaseIterable { case matched, review, unmatched }

    public func state(probability p: Double, namesOrDocumentAgree: Bool) -> State {
        if p < reviewAt { return .unmatched }
        return p >= acceptAt && namesOrDocumentAgree ? .matched : .review
    }

    /// A contested pair (several people fit the row about equally: `MatchOptions.keepContested`) waits for a person.
    public func state(_ pair: MatchPair, left: Dataset, right: Dataset) -> State {
        if pair.contested { return .review }
        return state(probability: pair.probability, namesOrDocumentAgree: namesOrDocumentAgree(left: left, pair.left, right: right, pair.right))
    }

    /// Whether a document number agrees exactly, or every name field is alike: present on both sides
    /// (a name given on one side only confirms nothing: twins share the rest), at least
    /// `automaticNameLevel`, and not alike only as an initial (`J` / `JOHN`), which the engine rightly counts
    /// as some evidence but a parent or sibling shares as easily.
    public func namesOrDocumentAgree(left: Dataset, _ i: Int, right: Dataset, _ j: Int) -> Bool {
        let kinds = left.fields.map(\.kind)
        let levels = Pattern.decode(Pattern.encode(left: left, i, right: right, j), fields: kinds.count)
        let a = left.views, b = right.views
        var names = 0, namesAlike = 0
        for (f, kind) in kinds.enumerated() {
            if kind == .id && levels[f] == kind.levels - 1 { return true }
            guard kind == .name, !(a[f].isMissing(i) && b[f].isMissing(j)) else { continue }
            names += 1
            if levels[f] >= automaticNameLevel && !initialOnly(a[f].tokens[i], b[f].tokens[j]) { namesAlike += 1 }
        }
        return names > 0 && namesAlike == names
    }

    /// One side is a single letter and the other a longer name with a word beginning with it.
    func initialOnly(_ x: [String], _ y: [String]) -> Bool {
        func initial(_ t: [String]) -> UInt8? { t.count == 1 && t[0].utf8.count == 1 ? t[0].utf8.first : nil }
        if let c = initial(x), initial(y) == nil { return y.contains { $0.utf8.first == c } }
        if let c = initial(y), initial(x) == nil { return x.contains { $0.utf8.first == c } }
        return false
    }
}
