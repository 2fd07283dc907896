//! SMTP imposters: the SMTP dialogue and the mail it carries, in mountebank's request shape.
