module.exports = require('./spec-stats').teardown;
