// Registers bipgen's annotation keywords (x-…) with Ajv, so strict mode checks every other
// keyword of the generated record schemas. Used by tests/forms_external.rs.
const annotations = [
  "x-form", "x-form-version", "x-sop-version", "x-labels", "x-sensitivity", "x-cross-border",
  "x-core", "x-hint", "x-relevant", "x-constraint", "x-required-when", "x-printed-rows", "x-collected-as",
];
module.exports = (ajv) => {
  for (const keyword of annotations) ajv.addKeyword({ keyword, schemaType: ["string", "boolean", "object", "number", "array"] });
  return ajv;
};
