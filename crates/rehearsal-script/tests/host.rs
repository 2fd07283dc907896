//! The script host as the server uses it: calls of each kind, state, timers, and the sandbox's
//! limits, each failure confined to its call. Each check runs twice: from a thread that hands
//! its calls to the imposter's thread, and on the workers of a runtime prepared to run them
//! where they are made.

use std::time::{Duration, Instant};

use rehearsal_script::{Call, Limits, ScriptErrorKind, ScriptHost};
use serde_json::{json, Value};

fn host() -> ScriptHost {
    ScriptHost::start(
        "[http:4545]",
        Limits {
            time: Duration::from_millis(300),
            memory: 32 * 1024 * 1024,
        },
    )
}

fn request() -> String {
    json!({"requestFrom": "127.0.0.1:5000", "method": "GET", "path": "/orders", "query": {"id": "7"},
           "headers": {"Host": "localhost"}, "body": "", "ip": "127.0.0.1"})
    .to_string()
}

fn response(function: &str) -> Call {
    Call::Response {
        function: function.into(),
        request: request(),
    }
}

fn predicate(function: &str) -> Call {
    Call::Predicate {
        function: function.into(),
        request: request(),
    }
}

async fn a_predicate_reads_the_config_and_the_legacy_request_fields() {
    let host = host();
    let config = host.call_blocking(predicate(
        "function (config) { return config.request.path === '/orders' && config.path === '/orders'; }",
    ));
    assert_eq!(config, Ok(Value::Bool(true)));
    let legacy = host.call_blocking(predicate(
        "function (request, logger) { logger.info('seen %s', request.path); return request.query.id === '8'; }",
    ));
    assert_eq!(legacy, Ok(Value::Bool(false)));
}

async fn a_response_is_returned_passed_to_the_callback_later_or_resolved_from_a_promise() {
    let host = host();
    let returned = host
        .call(response(
            "(config) => ({ statusCode: 201, body: { path: config.request.path } })",
        ))
        .await;
    assert_eq!(
        returned,
        Ok(json!({"statusCode": 201, "body": {"path": "/orders"}}))
    );

    let later = host
        .call(response(
            "function (config) { setTimeout(() => config.callback({ body: 'late' }), 20); }",
        ))
        .await;
    assert_eq!(later, Ok(json!({"body": "late"})));

    let legacy = host
        .call(response(
            "function (request, state, logger, callback) { callback({ body: request.method }); }",
        ))
        .await;
    assert_eq!(legacy, Ok(json!({"body": "GET"})));

    let promised = host
        .call(response(
            "async function (config) { await null; return { body: 'promised' }; }",
        ))
        .await;
    assert_eq!(promised, Ok(json!({"body": "promised"})));
}

async fn state_is_shared_between_the_imposters_injections_and_kept_between_calls() {
    let host = host();
    let count = "function (config) { config.state.count = (config.state.count || 0) + 1; return { body: String(config.state.count) }; }";
    assert_eq!(host.call(response(count)).await, Ok(json!({"body": "1"})));
    assert_eq!(host.call(response(count)).await, Ok(json!({"body": "2"})));
    let seen = host.call_blocking(predicate(
        "function (config, logger, imposterState) { return imposterState.count === 2; }",
    ));
    assert_eq!(seen, Ok(Value::Bool(true)));
    let other = ScriptHost::start("[http:4546]", Limits::default());
    assert_eq!(other.call(response(count)).await, Ok(json!({"body": "1"})));
}

async fn decorate_changes_the_response_in_place_or_returns_a_new_one() {
    let host = host();
    let decorate = |function: &str| Call::Decorate {
        function: function.into(),
        request: request(),
        response: json!({"statusCode": 200, "body": "hi"}),
    };
    let in_place = host
        .call(decorate(
            "function (config) { config.response.body += ' ' + config.request.path; }",
        ))
        .await;
    assert_eq!(
        in_place,
        Ok(json!({"statusCode": 200, "body": "hi /orders"}))
    );
    let legacy = host
        .call(decorate(
            "function (request, response) { return { body: response.body.toUpperCase() }; }",
        ))
        .await;
    assert_eq!(legacy, Ok(json!({"body": "HI"})));
}

async fn wait_generators_and_end_of_request_resolvers_answer_at_once() {
    let host = host();
    let wait = host
        .call(Call::Wait {
            function: "function () { return 25 * 2; }".into(),
        })
        .await;
    assert_eq!(wait, Ok(json!(50)));
    let generated = host
        .call(Call::Generator {
            function: "function (config) { return [{ equals: { path: config.request.path } }]; }"
                .into(),
            request: request(),
        })
        .await;
    assert_eq!(generated, Ok(json!([{"equals": {"path": "/orders"}}])));
    let ends = |data: &[u8]| Call::EndOfRequest {
        function: "function (requestData) { return requestData.endsWith('\\n\\n'); }".into(),
        data: data.to_vec(),
        binary: false,
    };
    assert_eq!(host.call_blocking(ends(b"HELO\n")), Ok(Value::Bool(false)));
    assert_eq!(host.call_blocking(ends(b"HELO\n\n")), Ok(Value::Bool(true)));
}

async fn an_exception_fails_the_call_with_its_message_and_stack() {
    let host = host();
    let thrown = host
        .call(response(
            "function (config) {\n  throw new TypeError('no ' + config.request.path);\n}",
        ))
        .await
        .unwrap_err();
    assert_eq!(thrown.kind, ScriptErrorKind::Thrown);
    assert_eq!(thrown.message, "no /orders");
    let stack = thrown.stack.unwrap();
    assert!(stack.starts_with("TypeError: no /orders\n"), "{stack}");
    assert!(stack.contains("injected.js:2"), "{stack}");

    let later = host
        .call(response(
            "function () { setTimeout(() => { throw new Error('later'); }, 5); }",
        ))
        .await
        .unwrap_err();
    assert_eq!(later.message, "later");

    let syntax = host.call(response("function ( {")).await.unwrap_err();
    assert_eq!(syntax.kind, ScriptErrorKind::Thrown);
    assert!(!syntax.message.is_empty());
}

async fn an_infinite_loop_is_stopped_at_the_time_limit_and_the_host_goes_on() {
    let host = host();
    let started = Instant::now();
    let looped = host
        .call(response("function () { while (true) {} }"))
        .await
        .unwrap_err();
    assert_eq!(looped.kind, ScriptErrorKind::Timeout);
    assert!(looped.message.contains("300 ms"), "{}", looped.message);
    assert!(started.elapsed() < Duration::from_secs(5));
    let in_a_timer = host
        .call(response(
            "function () { setTimeout(() => { for (;;) {} }, 1); }",
        ))
        .await
        .unwrap_err();
    assert_eq!(in_a_timer.kind, ScriptErrorKind::Timeout);
    assert_eq!(
        host.call(response("() => ({ body: 'still here' })")).await,
        Ok(json!({"body": "still here"}))
    );
}

async fn running_out_of_memory_fails_the_call_and_frees_what_it_took() {
    let host = host();
    let grow =
        "function () { const all = []; for (;;) { all.push('x'.repeat(1 << 20) + all.length); } }";
    for _ in 0..3 {
        let error = host.call(response(grow)).await.unwrap_err();
        assert_eq!(error.kind, ScriptErrorKind::OutOfMemory, "{error:?}");
        assert!(error.message.contains("32 MiB"), "{}", error.message);
    }
    assert_eq!(
        host.call(response("() => ({ body: 'ok' })")).await,
        Ok(json!({"body": "ok"}))
    );
}

/// An answer is read out of the runtime, where its memory limit no longer sees it: one that
/// the runtime holds cheaply but that would be large once read is out of memory too.
async fn an_answer_larger_than_the_memory_limit_is_out_of_memory() {
    let host = host();
    for large in [
        "() => { const mib = 'x'.repeat(1 << 20); return { body: Array(200).fill(mib) }; }",
        "() => ({ body: { items: new Array(1e9) } })",
        "() => { const items = []; items.length = 4294967295; return { body: items }; }",
    ] {
        let Err(error) = host.call(response(large)).await else {
            panic!("{large} answered");
        };
        assert_eq!(
            error.kind,
            ScriptErrorKind::OutOfMemory,
            "{large}: {error:?}"
        );
    }
    let fits = host
        .call(response(
            "() => ({ body: Array(3).fill('x'.repeat(1 << 20)) })",
        ))
        .await
        .unwrap();
    assert_eq!(fits["body"].as_array().map(Vec::len), Some(3));
}

async fn the_sandbox_has_no_files_network_or_processes() {
    let host = host();
    for module in ["fs", "child_process", "http", "net"] {
        let function =
            format!("function () {{ return {{ body: require('{module}').toString() }}; }}");
        let error = host.call(response(&function)).await.unwrap_err();
        assert_eq!(error.kind, ScriptErrorKind::Thrown);
        assert!(
            error
                .message
                .contains(&format!("require('{module}') is not supported"))
                && error
                    .message
                    .contains("without file, network or process access"),
            "{}",
            error.message
        );
    }
    let globals = host
        .call(response(
            "() => ({ body: [typeof std, typeof os, typeof fetch, typeof XMLHttpRequest].join() })",
        ))
        .await;
    assert_eq!(
        globals,
        Ok(json!({"body": "undefined,undefined,undefined,undefined"}))
    );
}

async fn deep_recursion_is_a_range_error_in_the_function() {
    let host = host();
    let error = host
        .call(response("function f() { return f() + 1; }"))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ScriptErrorKind::Thrown);
    assert!(error.stack.unwrap().starts_with("RangeError"));
}

async fn an_answer_is_what_json_stringify_makes_of_it() {
    let host = host();
    // Expected: Node's JSON.stringify of the same function's answer.
    let answer = host
        .call(response(
            r#"function () {
                class Order { constructor () { this.id = 7; this.note = undefined; } total () { return 1; } }
                let reads = 0;
                const keyed = { toJSON (key) { return 'at ' + key; } };
                return {
                    statusCode: 200,
                    headers: { 'X-Count': 3 },
                    body: {
                        get once () { reads += 1; return reads; },
                        plain: { a: [1, undefined, () => 1, null, NaN, -0, 1.5, 1e21, 2 ** 63], b: true, s: Symbol('x'), u: undefined },
                        bare: Object.assign(Object.create(null), { k: 'v' }),
                        buffer: Buffer.from('hi'),
                        date: new Date(0),
                        order: new Order(),
                        boxed: [new Number(3), new String('s'), new Boolean(false)],
                        keyed: [keyed, { keyed }],
                        text: 'é ☃ 😀',
                        nul: { 'a\0b': 1, 'a\0c': 2 },
                        reads: { get count () { return reads; } }
                    }
                };
            }"#,
        ))
        .await;
    let node: Value = serde_json::from_str(
        r#"{"statusCode":200,"headers":{"X-Count":3},"body":{"once":1,"plain":{"a":[1,null,null,null,null,0,1.5,1e+21,9223372036854776000],"b":true},"bare":{"k":"v"},"buffer":{"type":"Buffer","data":[104,105]},"date":"1970-01-01T00:00:00.000Z","order":{"id":7},"boxed":[3,"s",false],"keyed":["at 0",{"keyed":"at keyed"}],"text":"é ☃ 😀","nul":{"a\u0000b":1,"a\u0000c":2},"reads":{"count":1}}}"#,
    )
    .unwrap();
    assert_eq!(answer, Ok(node));

    for (function, thrown) in [
        (
            "() => { const a = {}; a.self = a; return { body: a }; }",
            "TypeError",
        ),
        ("() => ({ body: { n: 1n } })", "TypeError"),
        (
            "() => ({ get body () { throw new Error('no body'); } })",
            "Error: no body",
        ),
        (
            "() => Promise.resolve({ get body () { throw new Error('late'); } })",
            "Error: late",
        ),
    ] {
        let error = host.call(response(function)).await.unwrap_err();
        assert_eq!(error.kind, ScriptErrorKind::Thrown, "{function}");
        assert!(error.stack.unwrap().starts_with(thrown), "{function}");
    }

    // The first answer counts, even when reading it makes another.
    let outer = host
        .call(response(
            "function (config) { return { statusCode: 201, get body () { config.callback({ statusCode: 500 }); return 'outer'; } }; }",
        ))
        .await;
    assert_eq!(outer, Ok(json!({"statusCode": 201, "body": "outer"})));

    // A toJSON every object inherits applies to the answer, as JSON.stringify applies it.
    let everywhere = host
        .call(response(
            "() => { Object.prototype.toJSON = function () { return 'every object'; }; return { body: {} }; }",
        ))
        .await;
    assert_eq!(everywhere, Ok(json!("every object")));
}

/// A runtime whose workers run JavaScript themselves, as the server's do.
fn prepared(workers: usize) -> tokio::runtime::Runtime {
    rehearsal_script::multi_thread_runtime(Some(workers)).unwrap()
}

/// Runs `check` on a worker of a prepared runtime, bounded so that a lost answer fails.
fn on_worker(check: impl std::future::Future<Output = ()> + Send + 'static) {
    let runtime = prepared(2);
    runtime.block_on(async {
        let ran = tokio::time::timeout(Duration::from_secs(20), tokio::spawn(check)).await;
        ran.expect("the check finished in time")
            .expect("the check passed");
    });
}

macro_rules! on_both {
    ($($check:ident),* $(,)?) => {
        mod handed_over {
            $(#[tokio::test]
            async fn $check() {
                super::$check().await
            })*
        }
        mod on_the_callers_thread {
            $(#[test]
            fn $check() {
                super::on_worker(super::$check())
            })*
        }
    };
}

on_both!(
    a_predicate_reads_the_config_and_the_legacy_request_fields,
    a_response_is_returned_passed_to_the_callback_later_or_resolved_from_a_promise,
    state_is_shared_between_the_imposters_injections_and_kept_between_calls,
    decorate_changes_the_response_in_place_or_returns_a_new_one,
    wait_generators_and_end_of_request_resolvers_answer_at_once,
    an_exception_fails_the_call_with_its_message_and_stack,
    an_infinite_loop_is_stopped_at_the_time_limit_and_the_host_goes_on,
    running_out_of_memory_fails_the_call_and_frees_what_it_took,
    an_answer_larger_than_the_memory_limit_is_out_of_memory,
    the_sandbox_has_no_files_network_or_processes,
    deep_recursion_is_a_range_error_in_the_function,
    an_answer_is_what_json_stringify_makes_of_it,
);

#[test]
fn a_looping_function_never_holds_a_worker() {
    let runtime = prepared(1);
    runtime.block_on(async {
        let checked = tokio::spawn(async {
            let ticks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let counted = std::sync::Arc::clone(&ticks);
            let ticker = tokio::spawn(async move {
                let mut every = tokio::time::interval(Duration::from_millis(5));
                loop {
                    every.tick().await;
                    counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
            let host = host();
            let looping = "function () { for (;;) {} }";
            for call in ["first", "second"] {
                let before = ticks.load(std::sync::atomic::Ordering::Relaxed);
                let error = host.call(response(looping)).await.unwrap_err();
                assert_eq!(error.kind, ScriptErrorKind::Timeout);
                let during = ticks.load(std::sync::atomic::Ordering::Relaxed) - before;
                // 300 ms of 5 ms ticks: about 60 when the only worker is free, none when held.
                assert!(
                    during >= 20,
                    "the worker ticked {during} times during the {call} call"
                );
            }
            ticker.abort();
            assert_eq!(host.calls_run_inline(), 0);
        });
        tokio::time::timeout(Duration::from_secs(20), checked)
            .await
            .expect("the check finished in time")
            .expect("the check passed");
    });
}

/// Calls `call` until one runs on the caller's worker, which takes a quick call on the host's
/// thread first, and a second if the machine was too busy for the first to count as quick.
async fn until_inline(
    host: &ScriptHost,
    call: impl Fn() -> Call,
) -> Result<Value, rehearsal_script::ScriptError> {
    for _ in 0..50 {
        let before = host.calls_run_inline();
        let answer = host.call(call()).await;
        if host.calls_run_inline() > before {
            return answer;
        }
    }
    panic!("no call ran on the caller's worker in 50 tries");
}

fn response_to(function: &str, path: &str) -> Call {
    Call::Response {
        function: function.into(),
        request: json!({"method": "GET", "path": path, "query": {}, "headers": {}, "body": ""})
            .to_string(),
    }
}

#[test]
fn a_function_runs_on_the_callers_worker_once_it_has_shown_itself_quick() {
    on_worker(async {
        let host = host();
        let quick = "() => ({ body: 'quick' })";
        assert_eq!(
            host.call(response(quick)).await,
            Ok(json!({"body": "quick"}))
        );
        assert_eq!(
            host.calls_run_inline(),
            0,
            "a first call runs on the host's thread"
        );
        let inline = until_inline(&host, || response(quick)).await;
        assert_eq!(inline, Ok(json!({"body": "quick"})));

        // The stack limit holds on a worker's stack too: recursion without end, inline.
        let recursing = "function (config) { const deep = n => deep(n + 1) + 1; \
                         return config.request.path === '/deep' ? { body: String(deep(0)) } : {}; }";
        let mut recursed_inline = false;
        for _ in 0..20 {
            until_inline(&host, || response_to(recursing, "/shallow"))
                .await
                .unwrap();
            let before = host.calls_run_inline();
            let error = host
                .call(response_to(recursing, "/deep"))
                .await
                .unwrap_err();
            assert!(error.stack.unwrap().starts_with("RangeError"));
            if host.calls_run_inline() > before {
                recursed_inline = true;
                break;
            }
        }
        assert!(recursed_inline, "the recursion never ran on the worker");

        // A function stopped at the time limit stays off the workers for good.
        let turning = "function (config) { config.state.n = (config.state.n || 0) + 1; \
                       if (config.request.path === '/loop') { for (;;) {} } return { body: String(config.state.n) }; }";
        until_inline(&host, || response_to(turning, "/"))
            .await
            .unwrap();
        let looped = host.call(response_to(turning, "/loop")).await.unwrap_err();
        assert_eq!(looped.kind, ScriptErrorKind::Timeout);
        let before = host.calls_run_inline();
        for _ in 0..3 {
            host.call(response_to(turning, "/")).await.unwrap();
        }
        assert_eq!(
            host.calls_run_inline(),
            before,
            "a function that looped is handed over"
        );
    });
}
