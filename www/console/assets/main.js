// Starts the console: instantiates the wasm module through wasm-bindgen's glue, which
// then mounts the app (`#[wasm_bindgen(start)]`). A file, not an inline script, because
// the console's Content-Security-Policy allows scripts from this origin only. The build
// (scripts/lib.sh `build_console`) points the import at the build's hashed folder.
import init from "./kizuna_console.js";

init();
