//! Property tests: arbitrary valid messages of all 28 types survive write → read unchanged,
//! and a sample of what the writer produces validates against the XSDs with xmllint.

use ketenzicht_testkit as support;

use ketenzicht_message::arbitrary;
use ketenzicht_message::{BerichtType, Wet, WriteOptions, read, write};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};

fn all_types() -> Vec<(Wet, BerichtType)> {
    Wet::ALL.into_iter().flat_map(|w| BerichtType::ALL.into_iter().map(move |t| (w, t))).collect()
}

#[test]
fn write_then_read_gives_an_equal_message_for_all_28_types() {
    for (wet, t) in all_types() {
        let mut runner = TestRunner::new(Config { cases: 48, failure_persistence: None, ..Config::default() });
        runner
            .run(&arbitrary::message(wet, t), |message| {
                for indent in [true, false] {
                    let bytes = write(&message, WriteOptions { indent });
                    let back = read(&bytes).map_err(|e| {
                        proptest::test_runner::TestCaseError::fail(format!(
                            "{}: {e}\n{}",
                            message.name(),
                            String::from_utf8_lossy(&bytes)
                        ))
                    })?;
                    proptest::prop_assert_eq!(&back, &message);
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", t.name(wet)));
    }
}

#[test]
fn written_messages_of_all_28_types_validate_with_xmllint() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut runner = TestRunner::deterministic();
    for (wet, t) in all_types() {
        let dir = scratch.path().join(t.name(wet));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let strategy = arbitrary::message(wet, t);
        let mut files = Vec::new();
        for i in 0..12 {
            let message = strategy.new_tree(&mut runner).expect("generate").current();
            let path = dir.join(format!("{i}.xml"));
            std::fs::write(&path, write(&message, WriteOptions { indent: i % 2 == 0 })).expect("write");
            files.push(path);
        }
        let xsd = support::xsd_for(wet, t, &dir);
        if let Err(stderr) = support::xmllint(&xsd, &files) {
            panic!("{}: xmllint refused what the writer produced:\n{stderr}", t.name(wet));
        }
    }
}
