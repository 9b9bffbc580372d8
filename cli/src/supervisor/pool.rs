//! The supervisor's children and what it does on each event: start,
//! restart with backoff, replace one by one (SIGHUP), drain all
//! (SIGTERM, SIGINT).

use super::backoff::Backoff;
use super::child::Child;
use super::events::{name, Event};
use crate::notify;
use crossbeam_channel::{Receiver, RecvTimeoutError};
use signal_hook::consts::{SIGCHLD, SIGHUP, SIGKILL, SIGTERM};
use std::collections::VecDeque;
use std::os::fd::RawFd;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

/// The longest the supervisor waits without looking at its children (a
/// SIGCHLD can be merged with another).
const TICK: Duration = Duration::from_millis(200);
/// How long a replacement may take to say it is ready.
const READY_LIMIT: Duration = Duration::from_secs(30);
/// Time past the drain timeout for children to exit before they are killed.
const EXIT_GRACE: Duration = Duration::from_secs(5);

/// One process slot, "child N": its running child, or when to restart it.
#[derive(Debug)]
struct Slot {
    number: usize,
    child: Option<Child>,
    restart_at: Option<Instant>,
    backoff: Backoff,
}

/// A SIGHUP's replacement under way.
#[derive(Debug)]
struct Replacing {
    child: Child,
    since: Instant,
}

/// Every child of the supervisor.
#[derive(Debug)]
pub struct Pool {
    slots: Vec<Slot>,
    /// Replaced children, draining.
    retiring: Vec<Child>,
    /// Slots still to replace in this reload.
    reload: VecDeque<usize>,
    replacing: Option<Replacing>,
    listener: RawFd,
    notify: PathBuf,
    drain: Duration,
    /// Every child has been ready once: systemd was told.
    announced: bool,
}

impl Pool {
    /// `processes` slots serving `listener`, notified at `notify`.
    pub fn new(processes: usize, listener: RawFd, notify: PathBuf, drain: Duration) -> Pool {
        let slots = (1..=processes)
            .map(|number| Slot {
                number,
                child: None,
                restart_at: Some(Instant::now()),
                backoff: Backoff::default(),
            })
            .collect();
        Pool {
            slots,
            retiring: Vec::new(),
            reload: VecDeque::new(),
            replacing: None,
            listener,
            notify,
            drain,
            announced: false,
        }
    }

    /// Runs until SIGTERM or SIGINT, then drains every child.
    pub fn run(&mut self, events: &Receiver<Event>) {
        loop {
            self.start_due();
            match events.recv_timeout(self.next_wait()) {
                Ok(Event::Signal(SIGHUP)) => self.begin_reload(),
                Ok(Event::Signal(SIGCHLD)) | Err(RecvTimeoutError::Timeout) => self.reap(),
                Ok(Event::Signal(signal)) => return self.stop(signal, events),
                Ok(Event::Ready(pid)) => self.ready(pid),
                Err(RecvTimeoutError::Disconnected) => return self.stop(SIGTERM, events),
            }
            self.check_replacement();
        }
    }

    /// How long to wait for an event: until the next restart, at most a tick.
    fn next_wait(&self) -> Duration {
        let now = Instant::now();
        let next = self.slots.iter().filter_map(|slot| slot.restart_at).min();
        next.map_or(TICK, |at| at.saturating_duration_since(now).min(TICK))
    }

    /// Starts the children whose (re)start is due.
    fn start_due(&mut self) {
        let now = Instant::now();
        for slot in &mut self.slots {
            if slot.restart_at.is_some_and(|at| at <= now) {
                slot.restart_at = None;
                match Child::spawn(slot.number, self.listener, &self.notify) {
                    Ok(child) => {
                        log::info!("child {} started (pid {})", slot.number, child.pid());
                        slot.child = Some(child);
                    }
                    Err(err) => {
                        let delay = slot.backoff.after_death(Duration::ZERO);
                        log::error!("cannot start child {}: {err}; trying again in {delay:?}", slot.number);
                        slot.restart_at = Some(now + delay);
                    }
                }
            }
        }
    }

    /// Reaps every child that exited: a serving one is restarted (with
    /// backoff), a retiring one is gone, a replacement that died ends the
    /// reload.
    fn reap(&mut self) {
        self.reap_serving();
        self.retiring.retain_mut(|child| match child.exited() {
            Some(status) => {
                let (number, pid) = (child.number, child.pid());
                log::info!("replaced child {number} (pid {pid}) drained and exited ({})", describe(status));
                false
            }
            None => true,
        });
        let died = self.replacing.as_mut().and_then(|r| r.child.exited().map(|status| (status, &r.child)));
        if let Some((status, child)) = died {
            let (number, pid) = (child.number, child.pid());
            log::error!(
                "the replacement for child {number} (pid {pid}) exited before it was ready ({}); \
                 keeping the old children",
                describe(status)
            );
            self.abandon_reload();
        }
    }

    /// Schedules the restart of every serving child that exited.
    fn reap_serving(&mut self) {
        for slot in &mut self.slots {
            let Some(child) = &mut slot.child else { continue };
            let Some(status) = child.exited() else { continue };
            let delay = slot.backoff.after_death(child.lived());
            let (number, pid) = (slot.number, child.pid());
            log::warn!(
                "child {number} (pid {pid}) exited ({}); restarting it in {delay:?}",
                describe(status)
            );
            slot.child = None;
            slot.restart_at = Some(Instant::now() + delay);
        }
    }

    /// A child said `READY=1`.
    fn ready(&mut self, pid: u32) {
        if self.replacing.as_ref().is_some_and(|r| r.child.pid() == pid) {
            return self.replaced();
        }
        let Some(slot) =
            self.slots.iter_mut().find(|slot| slot.child.as_ref().is_some_and(|c| c.pid() == pid))
        else {
            return;
        };
        if let Some(child) = &mut slot.child {
            child.ready = true;
            log::info!("child {} (pid {pid}) ready", slot.number);
        }
        let all = self.slots.iter().all(|slot| slot.child.as_ref().is_some_and(|c| c.ready));
        if all && !self.announced {
            self.announced = true;
            log::info!("all {} children ready", self.slots.len());
            notify::notify(notify::READY);
        }
    }

    /// SIGHUP: replace every child, one at a time.
    fn begin_reload(&mut self) {
        if self.replacing.is_some() || !self.reload.is_empty() {
            log::warn!("received SIGHUP during a reload: ignored");
            return;
        }
        log::info!("received SIGHUP: replacing {} children one by one", self.slots.len());
        notify::notify(notify::RELOADING);
        self.reload = (0..self.slots.len()).collect();
        self.replace_next();
    }

    /// Starts the replacement of the next slot, or ends the reload.
    fn replace_next(&mut self) {
        while let Some(index) = self.reload.pop_front() {
            let number = self.slots[index].number;
            if self.slots[index].child.is_none() {
                // Restarting anyway: it will start with the new settings.
                continue;
            }
            match Child::spawn(number, self.listener, &self.notify) {
                Ok(child) => {
                    log::info!("child {number}: replacement started (pid {})", child.pid());
                    self.replacing = Some(Replacing { child, since: Instant::now() });
                    return;
                }
                Err(err) => {
                    log::error!(
                        "cannot start a replacement for child {number}: {err}; keeping the old children"
                    );
                    return self.abandon_reload();
                }
            }
        }
        log::info!("reload done: every child replaced");
        notify::notify(notify::READY);
    }

    /// The replacement is ready: its predecessor drains, the next begins.
    fn replaced(&mut self) {
        let Some(Replacing { mut child, .. }) = self.replacing.take() else { return };
        child.ready = true;
        let slot = &mut self.slots[child.number - 1];
        log::info!("child {} (pid {}) ready", child.number, child.pid());
        if let Some(old) = slot.child.replace(child) {
            log::info!("child {}: draining its predecessor (pid {})", old.number, old.pid());
            old.signal(SIGTERM);
            self.retiring.push(old);
        }
        self.replace_next();
    }

    /// A replacement that takes too long to be ready is killed.
    fn check_replacement(&mut self) {
        if let Some(replacing) = &self.replacing {
            if replacing.since.elapsed() >= READY_LIMIT {
                let (number, pid) = (replacing.child.number, replacing.child.pid());
                log::error!("the replacement for child {number} (pid {pid}) was not ready within {READY_LIMIT:?}; killing it, keeping the old children");
                replacing.child.signal(SIGKILL);
                self.retiring.push(self.replacing.take().map(|r| r.child).expect("a replacement"));
                self.abandon_reload();
            }
        }
    }

    fn abandon_reload(&mut self) {
        self.replacing = None;
        self.reload.clear();
        notify::notify(notify::READY);
    }

    /// SIGTERM or SIGINT: every child drains; a second signal kills them.
    fn stop(&mut self, signal: i32, events: &Receiver<Event>) {
        let mut children: Vec<Child> = self.slots.iter_mut().filter_map(|slot| slot.child.take()).collect();
        children.append(&mut self.retiring);
        children.extend(self.replacing.take().map(|r| r.child));
        log::info!("received {}: draining {} children", name(signal), children.len());
        notify::notify(notify::STOPPING);
        for child in &children {
            child.signal(SIGTERM);
        }
        wait_for_exits(children, Instant::now() + self.drain + EXIT_GRACE, events);
        log::info!("every child exited; supervisor stopped");
    }
}

/// Waits until every child exited, killing them at `deadline` or at a
/// second SIGTERM or SIGINT.
fn wait_for_exits(mut children: Vec<Child>, deadline: Instant, events: &Receiver<Event>) {
    let mut killed = false;
    loop {
        children.retain_mut(|child| match child.exited() {
            Some(status) => {
                log::info!("child {} (pid {}) exited ({})", child.number, child.pid(), describe(status));
                false
            }
            None => true,
        });
        if children.is_empty() {
            return;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let again = match events.recv_timeout(left.clamp(Duration::from_millis(1), TICK)) {
            Ok(Event::Signal(signal)) => signal != SIGCHLD && signal != SIGHUP,
            _ => false,
        };
        if !killed && (again || left.is_zero()) {
            let why = if again { "a second signal" } else { "the drain timeout" };
            log::warn!("killing {} child(ren) that did not drain, after {why}", children.len());
            children.iter().for_each(|child| child.signal(SIGKILL));
            killed = true;
        }
    }
}

fn describe(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        _ => status.to_string(),
    }
}
