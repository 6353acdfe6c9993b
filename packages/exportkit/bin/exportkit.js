#!/usr/bin/env node
// A committed shim, so that npm links the command at install time, before dist/ is built.
import '../dist/main.js';
