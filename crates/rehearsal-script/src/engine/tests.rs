//! The modules' own tests (`js/tests/*.test.js`), whose expectations were taken from Node:
//! each runs in a runtime with the modules loaded, as the sandbox loads them, after the
//! checks they share (`js/tests/harness.js`).

use rquickjs::{Context, Object, Runtime};

use super::MODULES;

fn run(test: &str, source: &str) {
    let runtime = Runtime::new().unwrap();
    let context = Context::full(&runtime).unwrap();
    context.with(|ctx| {
        let modules = Object::new(ctx.clone()).unwrap();
        for (name, module) in MODULES {
            let exports: Object = ctx.eval(module).unwrap();
            if name == "buffer" {
                let buffer: rquickjs::Value = exports.get("Buffer").unwrap();
                ctx.globals().set("Buffer", buffer).unwrap();
            }
            modules.set(name, exports).unwrap();
        }
        ctx.globals().set("__modules", modules).unwrap();
        ctx.eval::<(), _>(include_str!("../../js/tests/harness.js"))
            .unwrap();
        if ctx.eval::<(), _>(source).is_err() {
            let thrown = ctx.catch();
            let message = thrown
                .as_exception()
                .map(|e| {
                    format!(
                        "{}\n{}",
                        e.message().unwrap_or_default(),
                        e.stack().unwrap_or_default()
                    )
                })
                .unwrap_or_else(|| format!("{thrown:?}"));
            panic!("{test} failed:\n{message}");
        }
    });
}

#[test]
fn buffer_behaves_as_nodes() {
    run(
        "buffer.test.js",
        include_str!("../../js/tests/buffer.test.js"),
    );
}

#[test]
fn util_behaves_as_nodes() {
    run("util.test.js", include_str!("../../js/tests/util.test.js"));
}

#[test]
fn querystring_behaves_as_nodes() {
    run(
        "querystring.test.js",
        include_str!("../../js/tests/querystring.test.js"),
    );
}

/// Reference counting frees what a call made; only cycles wait for the collector, whose runs
/// mark the whole sandbox. So the sandbox's own part of a call must make none.
#[test]
fn calls_leave_nothing_for_the_cycle_collector() {
    use crate::call::Call;

    let mut engine = super::Engine::new("[http:4545]".into(), crate::Limits::default()).unwrap();
    engine.runtime.set_gc_threshold(usize::MAX);
    let request =
        r#"{"method":"GET","path":"/orders/7","query":{},"headers":{"Host":"x"},"body":""}"#;
    let calls = [
        Call::Response {
            function:
                "function (config) { return { statusCode: 200, body: config.request.path }; }"
                    .into(),
            request: request.into(),
        },
        Call::Decorate {
            function: "function (config, response) { response.body = config.path; }".into(),
            request: request.into(),
            response: serde_json::json!({"statusCode": 200}),
        },
        Call::Predicate {
            function: "function (config) { return config.request.method === 'GET'; }".into(),
            request: request.into(),
        },
    ];
    let mut run = |times: u64| {
        for id in 0..times {
            for call in &calls {
                assert!(matches!(
                    engine.start(id + 1, call),
                    super::Started::Answered(Ok(_))
                ));
            }
        }
        engine.runtime.memory_usage().malloc_size
    };
    let settled = run(10);
    let after = run(1000);
    assert!(
        after <= settled + 4096,
        "1000 calls of each kind left {} bytes behind",
        after - settled
    );
}
