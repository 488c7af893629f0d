//! Decoding a list of 64 project permissions: the generated enum, internally tagged on `subject`,
//! against untagged enums of the same shape (see `bench::permissions`). Run by `cargo xtask bench`.

use bench::permissions::{PayloadOnlyPermission, UntaggedPermission, sample_list};
use bench::timing::{measure, report, samples};
use infisical_types::ProjectPermission;

fn main() {
    let text = sample_list().to_string();
    let samples = samples();
    report(&measure("decode/tagged", samples, || {
        serde_json::from_str::<Vec<ProjectPermission>>(&text).expect("the sample decodes")
    }));
    report(&measure("decode/untagged", samples, || {
        serde_json::from_str::<Vec<UntaggedPermission>>(&text).expect("the sample decodes")
    }));
    report(&measure("decode/untagged-payload-only", samples, || {
        serde_json::from_str::<Vec<PayloadOnlyPermission>>(&text).expect("the sample decodes")
    }));
}
