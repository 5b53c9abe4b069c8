//! The mock file reader on arbitrary bytes: its checks, and every test case it names.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = asl_sim::mocks::check_file(&text);
    let Ok(config) = serde_json::from_str::<serde_json::Value>(&text) else {
        return;
    };
    for (machine, cases) in asl_sim::mocks::state_machines(&config) {
        for case in cases {
            let _ = asl_sim::mocks::test_case(&config, &machine, &case);
        }
    }
});
