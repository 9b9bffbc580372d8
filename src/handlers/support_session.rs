//! Where a support-bot dialogue is, and how it moves on.

use crate::Action;

/// The state of one customer's dialogue with the [`SupportBot`](super::SupportBot):
/// which question was asked last. Over a stream it lives as long as the
/// connection; over datagrams, as long as the peer keeps talking (the
/// framework's sessions expire).
///
/// The dialogue, as a tree of yes/no questions:
///
/// ```text
/// lights on the router on?
/// ├─ no  → plugged in and switched on?
/// │        ├─ no  → diagnosis: no power
/// │        └─ yes → diagnosis: faulty router
/// └─ yes → restarted it?
///          ├─ no  → restart it now; still broken?
///          │        ├─ no  → diagnosis: a restart fixed it
///          │        └─ yes → (devices)
///          └─ yes → (devices): one device or all?
///                   ├─ one → diagnosis: the device
///                   └─ all → diagnosis: a line fault
/// after a diagnosis: anything else? yes → start again, no → goodbye
/// ```
///
/// Answers ignore case and punctuation and accept the usual variants
/// (`y`, `yeah`, `nope`, `just one`, `all of them`, ...); anything else gets
/// an apology and the same question again. `bye`, `quit`, `exit` or
/// `goodbye` ends the dialogue at any point.
///
/// # Examples
///
/// ```
/// use socketserver::handlers::SupportSession;
/// use socketserver::Action;
///
/// let mut session = SupportSession::default();
/// assert!(session.start().contains("lights on your router"));
/// let (reply, action) = session.respond("No.");
/// assert!(reply.contains("plugged in"));
/// let (reply, _) = session.respond("yes");
/// assert!(reply.starts_with("Diagnosis: the router is powered but shows no lights"));
/// assert_eq!(session, SupportSession::Done);
/// assert_eq!(session.respond("bye").1, Action::Close);
/// # assert_eq!(action, Action::Continue);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SupportSession {
    /// Nothing said yet: the next reply is the introduction.
    #[default]
    New,
    /// Asked whether the router's lights are on.
    Lights,
    /// Asked whether the router is plugged in and switched on.
    Power,
    /// Asked whether the router has been restarted.
    Restarted,
    /// Asked for a restart, and whether the problem is still there.
    AfterRestart,
    /// Asked whether one device or all are affected.
    Devices,
    /// Gave a diagnosis; asked whether there is anything else.
    Done,
}

/// What the customer's answer means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Yes,
    No,
    One,
    All,
    Leave,
    Unclear,
}

const INTRODUCTION: &str = "Hello, I am Robin, the automated support assistant of your internet provider. \
I will ask a few questions to find out what is wrong with your connection. \
Type bye to leave at any time.";
const GOODBYE: &str = "Thank you for contacting support. Goodbye!";
const AGAIN: &str = "Let's start again.";

const NO_POWER: &str = "Diagnosis: the router has no power. Plug it in, switch it on at the wall \
and wait two minutes for the lights to come on.";
const FAULTY_ROUTER: &str = "Diagnosis: the router is powered but shows no lights, so it is faulty. \
We will send you a replacement.";
const RESTART_FIXED: &str = "Diagnosis: the router needed a restart, and your connection works again.";
const DEVICE: &str = "Diagnosis: the problem is with that device, not your line. Switch its Wi-Fi \
off and on, or forget the network and join it again.";
const LINE_FAULT: &str = "Diagnosis: a fault on your line or in our network. We have opened a fault \
report; an engineer will contact you within 24 hours.";

impl SupportSession {
    /// The question this state asked, or `None` before the introduction.
    pub fn question(self) -> Option<&'static str> {
        Some(match self {
            SupportSession::New => return None,
            SupportSession::Lights => "Are the lights on your router on? (yes/no)",
            SupportSession::Power => "Is the router plugged in and switched on at the wall? (yes/no)",
            SupportSession::Restarted => {
                "Have you restarted the router (off for 30 seconds, then on again)? (yes/no)"
            }
            SupportSession::AfterRestart => {
                "Please restart it now: switch it off, wait 30 seconds, switch it on and wait \
                 two minutes. Is the problem still there? (yes/no)"
            }
            SupportSession::Devices => "Is the problem on one device or on all your devices? (one/all)",
            SupportSession::Done => "Can I help you with anything else? (yes/no)",
        })
    }

    /// Introduces the bot and asks the first question.
    pub fn start(&mut self) -> String {
        *self = SupportSession::Lights;
        format!("{INTRODUCTION}\n{}", self.ask())
    }

    /// Answers the customer's `text` and moves the dialogue on; the action
    /// is [`Action::Close`] when the customer leaves. Before the
    /// introduction, any text (but a farewell) gets the introduction.
    pub fn respond(&mut self, text: &str) -> (String, Action) {
        let answer = Answer::of(text);
        if answer == Answer::Leave {
            return (GOODBYE.to_string(), Action::Close);
        }
        if *self == SupportSession::New {
            return (self.start(), Action::Continue);
        }
        match self.next(answer) {
            Some((said, next)) => self.move_to(said, next),
            None if *self == SupportSession::Done && answer == Answer::No => {
                (GOODBYE.to_string(), Action::Close)
            }
            None => {
                (format!("Sorry, I did not understand \"{}\". {}", text.trim(), self.ask()), Action::Continue)
            }
        }
    }

    /// Where `answer` leads from here, with what to say first; `None` when
    /// it does not answer this question.
    fn next(self, answer: Answer) -> Option<(Option<&'static str>, SupportSession)> {
        use Answer::*;
        use SupportSession::*;
        Some(match (self, answer) {
            (Lights, No) => (None, Power),
            (Lights, Yes) => (None, Restarted),
            (Power, No) => (Some(NO_POWER), Done),
            (Power, Yes) => (Some(FAULTY_ROUTER), Done),
            (Restarted, No) => (None, AfterRestart),
            (Restarted, Yes) | (AfterRestart, Yes) => (None, Devices),
            (AfterRestart, No) => (Some(RESTART_FIXED), Done),
            (Devices, One) => (Some(DEVICE), Done),
            (Devices, All) => (Some(LINE_FAULT), Done),
            (Done, Yes) => (Some(AGAIN), Lights),
            _ => return None,
        })
    }

    fn move_to(&mut self, said: Option<&str>, next: SupportSession) -> (String, Action) {
        *self = next;
        let reply = match said {
            Some(said) => format!("{said}\n{}", self.ask()),
            None => self.ask().to_string(),
        };
        (reply, Action::Continue)
    }

    fn ask(self) -> &'static str {
        self.question().unwrap_or(INTRODUCTION)
    }
}

impl Answer {
    /// Reads an answer from its words, ignoring case and punctuation.
    fn of(text: &str) -> Answer {
        let text = text.to_lowercase();
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let has = |options: &[&str]| words.iter().any(|word| options.contains(word));
        let found = [
            (Answer::Leave, has(&["bye", "quit", "exit", "goodbye"])),
            (Answer::Yes, has(&["yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay"])),
            (Answer::No, has(&["no", "n", "nope", "nah", "not"])),
            (Answer::One, has(&["one", "1", "single", "just", "only"])),
            (Answer::All, has(&["all", "every", "everything", "both", "each"])),
        ];
        match found.iter().filter(|(_, present)| *present).collect::<Vec<_>>().as_slice() {
            [(answer, _)] => *answer,
            [(Answer::Leave, _), ..] => Answer::Leave,
            _ => Answer::Unclear,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(answers: &[&str]) -> (SupportSession, String) {
        let mut session = SupportSession::default();
        session.start();
        let mut last = String::new();
        for answer in answers {
            last = session.respond(answer).0;
        }
        (session, last)
    }

    #[test]
    fn every_diagnosis_is_reachable() {
        assert!(walk(&["no", "no"]).1.starts_with(NO_POWER));
        assert!(walk(&["no", "yes"]).1.starts_with(FAULTY_ROUTER));
        assert!(walk(&["yes", "no", "no"]).1.starts_with(RESTART_FIXED));
        assert!(walk(&["yes", "no", "yes", "just one"]).1.starts_with(DEVICE));
        assert!(walk(&["Yes!", "Yep.", "All of them"]).1.starts_with(LINE_FAULT));
    }

    #[test]
    fn after_a_diagnosis_the_customer_may_start_again_or_leave() {
        let (mut session, _) = walk(&["no", "no"]);
        assert_eq!(session, SupportSession::Done);
        let (reply, _) = session.respond("yes");
        assert_eq!(reply, format!("{AGAIN}\n{}", SupportSession::Lights.ask()));
        let (mut session, _) = walk(&["no", "no"]);
        assert_eq!(session.respond("no"), (GOODBYE.to_string(), Action::Close));
    }

    #[test]
    fn an_unclear_answer_repeats_the_question() {
        let (mut session, _) = walk(&["yes"]);
        let (reply, action) = session.respond("maybe");
        assert_eq!(
            reply,
            format!("Sorry, I did not understand \"maybe\". {}", SupportSession::Restarted.ask())
        );
        assert_eq!((session, action), (SupportSession::Restarted, Action::Continue));
        assert_eq!(Answer::of("yes and no"), Answer::Unclear);
    }

    #[test]
    fn a_farewell_ends_the_dialogue_anywhere() {
        for state in [SupportSession::New, SupportSession::Devices, SupportSession::Done] {
            let mut session = state;
            assert_eq!(session.respond("OK, bye").1, Action::Close);
        }
    }
}
