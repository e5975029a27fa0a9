//! `writ worker --once` and `writ alerts` on a fresh data directory.

use crate::support::{run, stdout};

#[test]
fn worker_once_runs_the_health_check_and_alerts_lists_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = run(dir.path(), &["worker", "--once"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o).trim(), "1 job(s) run, 0 failed");
    // The health check is recurring: not due again yet.
    let o = run(dir.path(), &["worker", "--once"]);
    assert_eq!(stdout(&o).trim(), "0 job(s) run, 0 failed");
    let o = run(dir.path(), &["alerts"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).trim(), "no open alerts");
    let o = run(dir.path(), &["--json", "alerts", "--all"]);
    assert_eq!(stdout(&o).trim(), "[]");
}
