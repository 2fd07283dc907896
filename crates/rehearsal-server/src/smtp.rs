//! SMTP imposters: the SMTP dialogue and the mail it carries, in mountebank's request shape.
//!
//! `session` speaks SMTP on one connection and hands each message over with its envelope;
//! `mail` turns a message into the JSON request mountebank records (`smtpRequest.js`, built
//! on nodejs mailparser). Both leave sockets, recording and stubs to the caller; `server`
//! runs them on an imposter's listener.

mod command;
mod framing;
mod html_text;
mod mail;
mod server;
mod session;

pub use server::serve;
