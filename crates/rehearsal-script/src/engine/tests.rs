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
