import Foundation

/// On a phone a table becomes a stack of labelled cards: each cell carries its column's heading in
/// `data-label`, which the stylesheet shows before the value below 640 px. Done once here for every
/// table the app renders (its own, well-formed markup), so no list loses its labels on a phone.
enum ResponsiveTables {
    static func label(_ html: String) -> String {
        guard html.contains("<th") else { return html }
        var out = ""
        out.reserveCapacity(html.utf8.count + html.utf8.count / 8)
        // One frame per open table: its headings and the column of the next cell.
        var stack: [(headings: [String], column: Int, inHead: Bool)] = []
        var i = html.startIndex
        while let lt = html[i...].firstIndex(of: "<") {
            out += html[i..<lt]
            guard let gt = html[lt...].firstIndex(of: ">") else { i = lt; break }
            let tag = html[lt...gt]
            let name = tagName(tag)
            switch name {
            case "table": stack.append(([], 0, false))
            case "/table": _ = stack.popLast()
            case "thead": if !stack.isEmpty { stack[stack.count - 1].inHead = true }
            case "/thead": if !stack.isEmpty { stack[stack.count - 1].inHead = false }
            case "tr": if !stack.isEmpty { stack[stack.count - 1].column = 0 }
            case "th":
                if let top = stack.last, top.inHead, let close = html[gt...].range(of: "</th>") {
                    stack[stack.count - 1].headings.append(plainText(String(html[html.index(after: gt)..<close.lowerBound])))
                } else if let top = stack.last, !top.inHead {
                    stack[stack.count - 1].column += 1   // a row's own heading (`<th scope="row">`) takes its column
                }
            case "td":
                if let top = stack.last, !top.headings.isEmpty, !tag.contains("data-label=") {
                    let k = top.column
                    stack[stack.count - 1].column += 1
                    if k < top.headings.count, !top.headings[k].isEmpty {
                        out += "<td data-label=\"\(top.headings[k])\"" + tag.dropFirst(3)
                        i = html.index(after: gt)
                        continue
                    }
                } else if !stack.isEmpty { stack[stack.count - 1].column += 1 }
            default: break
            }
            out += tag
            i = html.index(after: gt)
        }
        out += html[i...]
        return out
    }

    private static func tagName(_ tag: Substring) -> String {
        var name = ""
        for ch in tag.dropFirst() {
            if ch == " " || ch == ">" || ch == "\n" || ch == "/" && !name.isEmpty { break }
            name.append(ch)
        }
        return name.lowercased()
    }

    /// A heading's text without its tags, still escaped as it was in the page.
    private static func plainText(_ s: String) -> String {
        var out = "", inTag = false
        for ch in s {
            if ch == "<" { inTag = true } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) }
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\"", with: "&quot;")
    }
}
