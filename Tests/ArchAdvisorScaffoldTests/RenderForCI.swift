import Foundation
import Testing

/// Renders every variant into `$ARCHADVISOR_SCAFFOLD_RENDER_DIR/<variant>` so CI can run
/// the validators on them; does nothing when the variable is unset.
///
///     ARCHADVISOR_SCAFFOLD_RENDER_DIR=/tmp/variants swift test --filter RenderForCI
struct RenderForCI {
    @Test func renderEveryVariantToTheDirectoryGiven() throws {
        guard let directory = ProcessInfo.processInfo.environment["ARCHADVISOR_SCAFFOLD_RENDER_DIR"],
              !directory.isEmpty else { return }
        try ScaffoldVariants.render(to: URL(fileURLWithPath: directory))
    }
}
