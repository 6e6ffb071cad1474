//! The generator catches progenitor's panics without taking the process's panic hook away from
//! anyone: its own panics are quiet (they come back as errors), every other panic still reaches
//! the hook the application installed. Alone in its binary, because the hook is process-wide.

use std::sync::Mutex;

static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[test]
fn caught_panics_are_quiet_and_other_panics_reach_the_application_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        SEEN.lock().unwrap().push(message);
    }));
    // Two different 2xx bodies: progenitor 0.15 asserts `response_types.len() <= 1`.
    let doc = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {"operationId": "x_post", "responses": {
            "200": {"description": "a", "content": {"application/json": {"schema": {"type": "string"}}}},
            "201": {"description": "b", "content": {"application/json": {"schema": {"type": "integer"}}}}
        }}}}
    });
    let err = generator::engine::emit_tokens(&doc, &[], &[], &generator::Settings::default()).unwrap_err().to_string();
    assert!(err.contains("x_post") && err.contains("panicked"), "{err}");
    assert!(SEEN.lock().unwrap().is_empty(), "the caught panic reached the hook: {:?}", SEEN.lock().unwrap());

    let other = std::thread::spawn(|| panic!("elsewhere"));
    assert!(other.join().is_err());
    assert_eq!(*SEEN.lock().unwrap(), ["elsewhere"]);
    let _ = std::panic::take_hook();
}
