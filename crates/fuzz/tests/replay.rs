//! Replays every input `oas-fuzz` found (`spec/fixtures/fuzz/`) through the whole pipeline: each
//! must now be generated or refused with diagnostics, without a panic, and every rendered file
//! must parse. An input that once ran out of memory or time runs here unbounded: it passes only
//! because the generator was fixed.

use std::panic::{AssertUnwindSafe, catch_unwind};

use oas_fuzz::{corpus, mutate, pipeline};

#[test]
fn every_saved_finding_is_fixed() {
    let files = corpus::files_in(&corpus::findings_dir());
    assert!(!files.is_empty(), "spec/fixtures/fuzz/ holds the findings");
    // Deeply nested inputs need a main thread's stack in unoptimized builds.
    let failures = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let mut failures = Vec::new();
            for path in files {
                let seed = corpus::read(&path).unwrap();
                match catch_unwind(AssertUnwindSafe(|| pipeline::run(&seed.text, seed.format))) {
                    Ok(Ok(_)) => {}
                    Ok(Err(defect)) => failures.push(format!("{}: {defect:?}", path.display())),
                    Err(_) => failures.push(format!("{}: panicked", path.display())),
                }
            }
            failures
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn inputs_are_a_function_of_seed_and_index() {
    // Some inputs nest thousands of levels deep: writing them out needs the stack the harness
    // gives its workers, not a test thread's 2 MB.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let seeds = corpus::load(false);
            for index in 0..20 {
                let a = mutate::input(&seeds, 7, index);
                let b = mutate::input(&seeds, 7, index);
                assert_eq!(a.text, b.text);
                assert_eq!(a.recipe, b.recipe);
            }
            assert_ne!(
                mutate::input(&seeds, 7, 0).text,
                mutate::input(&seeds, 8, 0).text
            );
        })
        .unwrap()
        .join()
        .unwrap();
}
