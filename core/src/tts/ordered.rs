//! Run jobs on a pool of threads and hand their results back in order, as
//! soon as each one and all before it are done. At most `window` jobs are
//! in flight, so memory stays bounded however many jobs there are, and the
//! first result arrives while later jobs are still running.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::progress::RunCtl;

/// Run `work` over `jobs` on `workers` threads; call `emit` in job order.
/// Stops at the first error (from a job, `work`, `emit` or cancellation).
pub fn run_ordered<J, R>(
    jobs: impl Iterator<Item = Result<J>>,
    workers: usize,
    window: usize,
    ctl: &RunCtl,
    work: &(dyn Fn(&J) -> Result<R> + Sync),
    emit: &mut dyn FnMut(J, R) -> Result<()>,
) -> Result<()>
where
    J: Send,
    R: Send,
{
    let workers = workers.max(1);
    let window = window.max(workers);
    let mut jobs = jobs;
    if workers == 1 {
        for job in jobs {
            ctl.check()?;
            let job = job?;
            let result = work(&job)?;
            emit(job, result)?;
        }
        return ctl.check();
    }
    let (job_tx, job_rx) = mpsc::channel::<(usize, J)>();
    let job_rx = Mutex::new(job_rx);
    let (result_tx, result_rx) = mpsc::channel::<(usize, J, Result<R>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let result_tx = result_tx.clone();
            let job_rx = &job_rx;
            let cancel = ctl.cancel_token().clone();
            scope.spawn(move || loop {
                let next = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((index, job)) = next else { break };
                let result = if cancel.is_cancelled() { Err(Error::cancelled()) } else { work(&job) };
                if result_tx.send((index, job, result)).is_err() {
                    break;
                }
            });
        }
        drop(result_tx);
        let mut job_tx = Some(job_tx);
        let mut submitted = 0usize;
        let mut emitted = 0usize;
        let mut exhausted = false;
        // Results (or errors) waiting for the jobs before them; an error stops
        // the run at its turn, so every job before it is still emitted.
        let mut ready: BTreeMap<usize, (J, Result<R>)> = BTreeMap::new();
        let outcome = (|| -> Result<()> {
            loop {
                while !exhausted && submitted - emitted < window {
                    ctl.check()?;
                    match jobs.next() {
                        Some(job) => {
                            let job = job?;
                            if let Some(tx) = &job_tx {
                                tx.send((submitted, job)).map_err(|_| Error::tts("synthesis worker stopped"))?;
                            }
                            submitted += 1;
                        }
                        None => {
                            exhausted = true;
                            job_tx = None;
                        }
                    }
                }
                if exhausted && emitted == submitted {
                    return Ok(());
                }
                let (index, job, result) =
                    result_rx.recv().map_err(|_| Error::tts("synthesis workers stopped early"))?;
                ready.insert(index, (job, result));
                while let Some((job, result)) = ready.remove(&emitted) {
                    emit(job, result?)?;
                    emitted += 1;
                }
                ctl.check()?;
            }
        })();
        // Dropping the sender lets idle workers finish; the scope joins them.
        drop(job_tx);
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::CancelToken;

    #[test]
    fn results_come_back_in_order_with_bounded_flight() {
        let in_flight = std::sync::atomic::AtomicUsize::new(0);
        let max_seen = std::sync::atomic::AtomicUsize::new(0);
        let work = |j: &u64| -> Result<u64> {
            use std::sync::atomic::Ordering::SeqCst;
            let now = in_flight.fetch_add(1, SeqCst) + 1;
            max_seen.fetch_max(now, SeqCst);
            std::thread::sleep(std::time::Duration::from_millis((j * 7) % 5));
            in_flight.fetch_sub(1, SeqCst);
            Ok(j * 2)
        };
        let mut out = Vec::new();
        run_ordered((0..100u64).map(Ok), 4, 6, &RunCtl::default(), &work, &mut |j, r| {
            out.push((j, r));
            Ok(())
        })
        .unwrap();
        assert_eq!(out, (0..100).map(|j| (j, j * 2)).collect::<Vec<_>>());
        assert!(max_seen.load(std::sync::atomic::Ordering::SeqCst) <= 4);
    }

    #[test]
    fn errors_and_cancellation_stop_the_run() {
        let work = |j: &u64| -> Result<u64> {
            if *j == 30 {
                Err(Error::tts("boom"))
            } else {
                Ok(*j)
            }
        };
        let mut seen = 0;
        let err = run_ordered((0..1000u64).map(Ok), 3, 6, &RunCtl::default(), &work, &mut |_, _| {
            seen += 1;
            Ok(())
        })
        .unwrap_err();
        assert_eq!(err.code(), "tts");
        assert_eq!(seen, 30);

        let cancel = CancelToken::new();
        let ctl = RunCtl::default().with_cancel(cancel.clone());
        let err = run_ordered((0..1000u64).map(Ok), 2, 4, &ctl, &|j: &u64| Ok(*j), &mut |j, _| {
            if j == 10 {
                cancel.cancel();
            }
            Ok(())
        })
        .unwrap_err();
        assert!(err.kind() == crate::ErrorKind::Cancelled);
    }
}
