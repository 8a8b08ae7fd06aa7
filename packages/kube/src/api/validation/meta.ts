import { utf8Length } from "../utf8.js";
import { jsonEqual } from "../json-value.js";
import { validateLabels } from "../labels.js";
import type { ObjectMeta, OwnerReference } from "../types.js";
import { child, forbidden, index, invalid, required, tooLong, type FieldError } from "./field.js";
import { isQualifiedName, nameIsDNSLabel, type NameRule } from "./content.js";

/** ObjectMeta checks of apimachinery's api/validation (objectmeta.go) plus core's finalizer rule. */

export const IS_NEGATIVE = "must be greater than or equal to 0";
const FIELD_IMMUTABLE = "field is immutable";
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateNonnegative(value: number | undefined, path: string): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(path, value, IS_NEGATIVE)] : [];
}

/** ValidateImmutableField; values compare as JSON (apiequality.Semantic on plain data). */
export function validateImmutable(newValue: unknown, oldValue: unknown, path: string, shown: unknown = newValue): FieldError[] {
  return jsonEqual(newValue, oldValue) ? [] : [invalid(path, shown, FIELD_IMMUTABLE)];
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names, except that case does not matter.
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    size += utf8Length(k) + utf8Length(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReferences(refs: OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = "";
  for (const ref of refs ?? []) {
    const slash = ref.apiVersion.indexOf("/");
    const version = slash < 0 ? ref.apiVersion : ref.apiVersion.slice(slash + 1);
    if (version === "") errs.push(invalid(child(path, "apiVersion"), ref.apiVersion, "version must not be empty"));
    if (ref.kind === "") errs.push(invalid(child(path, "kind"), ref.kind, "must not be empty"));
    if (ref.name === "") errs.push(invalid(child(path, "name"), ref.name, "must not be empty"));
    if (ref.uid === "") errs.push(invalid(child(path, "uid"), ref.uid, "must not be empty"));
    if (ref.apiVersion === "v1" && ref.kind === "Event") errs.push(invalid(path, ref, "/v1, Kind=Event is disallowed from being an owner"));
    if (ref.controller === true) {
      const name = `${ref.kind}/${ref.name}`;
      if (firstController !== "") {
        errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`));
      } else {
        firstController = name;
      }
    }
  }
  return errs;
}

const STANDARD_FINALIZERS = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
  if ((finalizers ?? []).includes("orphan") && (finalizers ?? []).includes("foregroundDeletion")) {
    errs.push(invalid(path, finalizers, "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  // core's validateKubeFinalizerName runs again per index: an unprefixed name must be a standard one.
  (finalizers ?? []).forEach((f, i) => {
    const msgs = isQualifiedName(f);
    for (const msg of msgs) errs.push(invalid(index(path, i), f, msg));
    if (msgs.length === 0 && !f.includes("/") && !STANDARD_FINALIZERS.has(f)) {
      errs.push(invalid(index(path, i), f, "name is neither a standard finalizer name nor is it fully qualified"));
    }
  });
  return errs;
}

/**
 * ValidateObjectMeta: generateName and name against the kind's name rule, namespace required
 * (and a DNS label) for namespaced kinds and forbidden otherwise, labels, annotations, owner
 * references and finalizers.
 */
export function validateObjectMeta(meta: ObjectMeta, namespaced: boolean, nameRule: NameRule, path = "metadata"): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) for (const msg of nameRule(meta.generateName, true)) errs.push(invalid(child(path, "generateName"), meta.generateName, msg));
  if (!meta.name) errs.push(required(child(path, "name"), "name or generateName is required"));
  else for (const msg of nameRule(meta.name, false)) errs.push(invalid(child(path, "name"), meta.name, msg));
  if (namespaced) {
    if (!meta.namespace) errs.push(required(child(path, "namespace")));
    else for (const msg of nameIsDNSLabel(meta.namespace, false)) errs.push(invalid(child(path, "namespace"), meta.namespace, msg));
  } else if (meta.namespace) {
    errs.push(forbidden(child(path, "namespace"), "not allowed on this type"));
  }
  errs.push(...validateNonnegative(meta.generation, child(path, "generation")));
  errs.push(...validateLabels(meta.labels, child(path, "labels")));
  errs.push(...validateAnnotations(meta.annotations, child(path, "annotations")));
  errs.push(...validateOwnerReferences(meta.ownerReferences, child(path, "ownerReferences")));
  errs.push(...validateFinalizers(meta.finalizers, child(path, "finalizers")));
  return errs;
}

/** ValidateObjectMetaUpdate: identity fields immutable, generation not decremented. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path = "metadata"): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp !== undefined) {
    const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
    if (added.length > 0) {
      errs.push(forbidden(child(path, "finalizers"), `no new finalizers can be added if the object is being deleted, found new finalizers []string{${[...new Set(added)].sort().map((f) => JSON.stringify(f)).join(", ")}}`));
    }
  }
  if ((meta.generation ?? 0) < (old.generation ?? 0)) errs.push(invalid(child(path, "generation"), meta.generation ?? 0, "must not be decremented"));
  errs.push(...validateImmutable(meta.name ?? "", old.name ?? "", child(path, "name")));
  errs.push(...validateImmutable(meta.namespace ?? "", old.namespace ?? "", child(path, "namespace")));
  errs.push(...validateImmutable(meta.uid ?? "", old.uid ?? "", child(path, "uid")));
  errs.push(...validateImmutable(meta.creationTimestamp ?? null, old.creationTimestamp ?? null, child(path, "creationTimestamp")));
  errs.push(...validateImmutable(meta.deletionTimestamp ?? null, old.deletionTimestamp ?? null, child(path, "deletionTimestamp")));
  errs.push(...validateImmutable(meta.deletionGracePeriodSeconds ?? null, old.deletionGracePeriodSeconds ?? null, child(path, "deletionGracePeriodSeconds")));
  errs.push(...validateLabels(meta.labels, child(path, "labels")));
  errs.push(...validateAnnotations(meta.annotations, child(path, "annotations")));
  errs.push(...validateOwnerReferences(meta.ownerReferences, child(path, "ownerReferences")));
  errs.push(...validateFinalizers(meta.finalizers, child(path, "finalizers")));
  return errs;
}
