//! Running a bundled server from [`Settings`](crate::settings::Settings):
//! the handler its name stands for ([`by_name`]), served over the
//! transport the settings name ([`transports`]).

mod bundled;
mod transports;

pub use self::bundled::by_name;
