/* What the add-in says: say(key, args) renders a template of js/messages.js (nianbao's message
 * catalogue); a Problem is a refusal to carry on, told in one Chinese message.  A missing
 * placeholder throws, as nianbao.messages.say does, so a typo fails its test instead of showing
 * a blank to a clerk. */
(function (root, factory) {
  var messages = typeof module === "object" && module.exports
    ? require("./messages.js") : root.NianbaoMessages;
  var made = factory(messages);
  if (typeof module === "object" && module.exports) { module.exports = made; }
  else { root.NianbaoText = made; }
})(typeof self !== "undefined" ? self : this, function (MESSAGES) {
  "use strict";

  function say(key, args) {
    var template = MESSAGES[key];
    if (typeof template !== "string") { throw new Error("unknown message " + key); }
    return template.replace(/\{([a-z_]+)\}/g, function (_, name) {
      if (!args || !Object.prototype.hasOwnProperty.call(args, name)) {
        throw new Error("message placeholder {" + name + "} not supplied for " + key);
      }
      return String(args[name]);
    });
  }

  /* A refusal: nothing was done, and say(key, args) tells why. */
  function Problem(key, args) {
    this.key = key;
    this.args = args || {};
    this.message = say(key, this.args);
  }
  Problem.prototype = Object.create(Error.prototype);
  Problem.prototype.constructor = Problem;
  Problem.prototype.name = "Problem";

  return { say: say, Problem: Problem, MESSAGES: MESSAGES };
});
