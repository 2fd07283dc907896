//! Tests of the origin client against real loopback origins.
