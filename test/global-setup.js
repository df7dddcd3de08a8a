module.exports = require('./spec-stats').setup;
