//! Who runs what: the loop threads' busy count, the followers that
//! sleep while one thread leads, and the monitor (Go's `sysmon`) that
//! wakes one when the leader is stuck.

use super::*;

impl<T: Transport, H: RequestHandler<T::Request>> Reactor<T, H> {
    /// Performs work, counted busy and, once done, as progress; the
    /// first thread to become busy wakes a sleeping monitor.
    pub(super) fn perform_counted(&self, work: Work<T::Request>) {
        if !matches!(self.dispatch, Dispatch::Loops { .. }) {
            return self.perform(work);
        }
        // SeqCst here and in `monitor`: either the monitor sees this
        // thread busy, or this thread sees it asleep and wakes it.
        self.busy.fetch_add(1, Ordering::SeqCst);
        if self.monitor_asleep.load(Ordering::SeqCst) {
            self.shared().wake_serving();
        }
        self.perform(work);
        self.completed.fetch_add(1, Ordering::Release);
        self.busy.fetch_sub(1, Ordering::SeqCst);
    }

    /// The serving thread's part under [`Dispatch::Loops`]: Go's
    /// `sysmon`. One loop thread leads and runs what it polls (eat what
    /// you kill); the others sleep. While work runs the monitor looks
    /// every [`MONITOR_TICK`]: when nothing has finished since its last
    /// look and nobody polls (the leader is stuck in a long step: a
    /// handler that blocks), it wakes a sleeping thread to lead, or, when
    /// every thread is stuck, polls and accepts itself, so raw
    /// connections are queued or refused by the overload policy. It runs
    /// no handler itself. Runs until `until` holds; with `may_sleep` it
    /// sleeps while no work runs (a loop thread that becomes busy wakes
    /// it).
    pub(crate) fn monitor(&self, until: impl Fn() -> bool, may_sleep: bool) {
        let mut last = self.completed.load(Ordering::Acquire);
        while !until() {
            if may_sleep {
                self.shared().wait_serving(|| {
                    self.monitor_asleep.store(true, Ordering::SeqCst);
                    self.busy.load(Ordering::SeqCst) == 0
                });
                self.monitor_asleep.store(false, Ordering::SeqCst);
            }
            self.shared().wait_serving_for(MONITOR_TICK);
            let now = self.completed.load(Ordering::Acquire);
            if now == last && self.busy.load(Ordering::Acquire) > 0 {
                self.unstick();
            }
            last = now;
        }
    }

    /// Every busy thread has been stuck for a tick: let another lead, or
    /// lead a round itself when none sleeps.
    pub(super) fn unstick(&self) {
        if *self.followers.lock() > 0 {
            self.follower_wake.notify_one();
            return;
        }
        let Some(mut lead) = self.lead.try_lock() else { return };
        self.poll(&mut lead, Some(Instant::now() + MONITOR_TICK));
        drop(lead);
        let accept = {
            let mut ready = self.ready.lock();
            let before = ready.len();
            ready.retain(|work| !matches!(work, Work::Accept));
            before != ready.len()
        };
        if accept {
            self.accept_batch();
        }
        // A loop thread that found the lead taken meanwhile sleeps: it
        // leads now. One that leads already polls: it takes the work.
        self.wake_follower();
        if !self.ready.lock().is_empty() {
            let _ = self.shared().poller.notify();
        }
    }

    /// Wakes one follower, if one sleeps.
    pub(super) fn wake_follower(&self) {
        let _followers = self.followers.lock();
        self.follower_wake.notify_one();
    }

    /// Sleeps as a follower while another thread holds the lead, until
    /// the monitor (or the end) wakes it. The lead is checked under the
    /// followers' lock, which whoever gives the lead up without taking
    /// up work (the monitor) takes to wake one, so no wake-up is lost.
    pub(super) fn follow(&self) {
        let mut followers = self.followers.lock();
        if self.stopped.load(Ordering::Acquire) || !self.lead.is_locked() {
            return;
        }
        *followers += 1;
        self.follower_wake.wait(&mut followers);
        *followers -= 1;
    }

    /// Wakes every follower (the loops end).
    pub(super) fn stop_followers(&self) {
        let _followers = self.followers.lock();
        self.follower_wake.notify_all();
    }
}
