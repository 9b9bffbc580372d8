//! The command line's subcommands, one module each.

pub mod bench;
