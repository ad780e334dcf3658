// swift-tools-version:5.9
//
// reelkit for Swift. `Sources/Reelkit/` holds the sources UniFFI generates
// from the `reelkit_ffi` Rust library (crate `reelkit-swift`, this folder);
// the library itself is built with Cargo. See README.md.
//
// Two ways to link it:
//
// * `build/reelkit_ffiFFI.xcframework` exists (made as README.md shows, on a
//   Mac): it becomes a binary target holding the static library, the C
//   header and the module map. For apps on Apple platforms.
// * Otherwise (macOS or Linux command-line work): the Swift target finds the
//   C module through the generated module map and links the shared library
//   `libreelkit_ffi` from `$REELKIT_FFI_LIB_DIR`, default
//   `<workspace>/target/release` (an rpath to it is added). These are
//   unsafe flags, which SwiftPM accepts for root and local packages.

import Foundation
import PackageDescription

let packageDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let generatedC = ["reelkit_ffiFFI.h", "reelkit_ffiFFI.modulemap"]
let xcframework = "build/reelkit_ffiFFI.xcframework"

var targets: [Target] = []
if FileManager.default.fileExists(atPath: packageDir.appendingPathComponent(xcframework).path) {
    targets.append(.binaryTarget(name: "reelkit_ffiFFI", path: xcframework))
    targets.append(.target(
        name: "Reelkit",
        dependencies: ["reelkit_ffiFFI"],
        path: "Sources/Reelkit",
        exclude: generatedC
    ))
} else {
    let libDir = ProcessInfo.processInfo.environment["REELKIT_FFI_LIB_DIR"]
        ?? packageDir.appendingPathComponent("../../target/release").standardizedFileURL.path
    let moduleMap = packageDir.appendingPathComponent("Sources/Reelkit/reelkit_ffiFFI.modulemap").path
    targets.append(.target(
        name: "Reelkit",
        path: "Sources/Reelkit",
        exclude: generatedC,
        swiftSettings: [.unsafeFlags(["-Xcc", "-fmodule-map-file=\(moduleMap)"])],
        linkerSettings: [
            .linkedLibrary("reelkit_ffi"),
            .unsafeFlags(["-L\(libDir)", "-Xlinker", "-rpath", "-Xlinker", libDir]),
        ]
    ))
}

let package = Package(
    name: "Reelkit",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [.library(name: "Reelkit", targets: ["Reelkit"])],
    targets: targets
)
