#!/usr/bin/env node
// The bundled CLI (`npm run prepare` writes dist/cli/; installing runs it).
import "../dist/cli/main.js";
