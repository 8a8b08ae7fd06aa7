/** `kubectl describe` for PersistentVolumeClaims, PersistentVolumes and StorageClasses. */
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from "../../api/types.js";
import { age } from "./duration.js";
import {
  DescribeWriter,
  eventsFor,
  goList,
  writeAnnotations,
  writeEvents,
  writeLabels,
  type DescribeOptions,
  type ObjectLister,
} from "./describe-writer.js";
import { formatLabels } from "./labels.js";
import { quantityText } from "./quantity.js";
import { accessModes, claimClass, isDefaultClass, volumeClass } from "./tables.js";

export function describePersistentVolumeClaim(pvc: PersistentVolumeClaim, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const meta = pvc.metadata;
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  w.write(0, `StorageClass:\t${claimClass(pvc)}\n`);
  w.write(0, meta.deletionTimestamp ? `Status:\tTerminating (lasts ${age(meta.deletionTimestamp, options.now)})\n` : `Status:\t${pvc.status?.phase ?? ""}\n`);
  w.write(0, `Volume:\t${pvc.spec.volumeName ?? ""}\n`);
  writeLabels(w, "Labels", meta.labels);
  writeAnnotations(w, "Annotations", meta.annotations);
  w.write(0, `Finalizers:\t${goList(meta.finalizers)}\n`);
  const bound = !!pvc.spec.volumeName;
  w.write(0, `Capacity:\t${bound ? quantityText(pvc.status?.capacity?.["storage"]) : ""}\n`);
  w.write(0, `Access Modes:\t${bound ? accessModes(pvc.status?.accessModes) : ""}\n`);
  if (pvc.spec.volumeMode) w.write(0, `VolumeMode:\t${pvc.spec.volumeMode}\n`);
  const users = usedBy(pvc, lister);
  w.write(0, "Used By:\t");
  if (users.length === 0) w.write(0, "<none>\n");
  users.forEach((name, i) => w.write(0, `${i > 0 ? "\t" : ""}${name}\n`));
  if (options.showEvents !== false) writeEvents(w, eventsFor(pvc, lister), options.now);
  return w.text();
}

/** `getPodsForPVC`: pods mounting the claim, plus a pod that owns it; sorted by name. */
function usedBy(pvc: PersistentVolumeClaim, lister: ObjectLister): string[] {
  const pods = lister.list("Pod", pvc.metadata.namespace) as Pod[];
  const names = pods
    .filter((p) => (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name))
    .map((p) => p.metadata.name!);
  for (const ref of pvc.metadata.ownerReferences ?? []) {
    const owner = ref.kind === "Pod" ? pods.find((p) => p.metadata.uid === ref.uid) : undefined;
    if (owner && !names.includes(owner.metadata.name!)) names.push(owner.metadata.name!);
  }
  return names.sort();
}

export function describePersistentVolume(pv: PersistentVolume, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const meta = pv.metadata;
  w.write(0, `Name:\t${meta.name}\n`);
  writeLabels(w, "Labels", meta.labels);
  writeAnnotations(w, "Annotations", meta.annotations);
  w.write(0, `Finalizers:\t${goList(meta.finalizers)}\n`);
  w.write(0, `StorageClass:\t${volumeClass(pv)}\n`);
  w.write(0, meta.deletionTimestamp ? `Status:\tTerminating (lasts ${age(meta.deletionTimestamp, options.now)})\n` : `Status:\t${pv.status?.phase ?? ""}\n`);
  const claim = pv.spec.claimRef;
  w.write(0, `Claim:\t${claim ? `${claim.namespace ?? ""}/${claim.name ?? ""}` : ""}\n`);
  w.write(0, `Reclaim Policy:\t${pv.spec.persistentVolumeReclaimPolicy ?? ""}\n`);
  w.write(0, `Access Modes:\t${accessModes(pv.spec.accessModes)}\n`);
  if (pv.spec.volumeMode) w.write(0, `VolumeMode:\t${pv.spec.volumeMode}\n`);
  w.write(0, `Capacity:\t${quantityText(pv.spec.capacity?.["storage"])}\n`);
  const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms;
  w.write(0, "Node Affinity:\t");
  if (!terms) w.write(0, "<none>\n");
  else {
    w.write(0, "\n");
    w.write(1, "Required Terms:\t");
    if (terms.length === 0) w.write(0, "<none>\n");
    else {
      w.write(0, "\n");
      terms.forEach((term, i) => {
        w.write(2, `Term ${i}:\t`);
        const reqs = term.matchExpressions ?? [];
        if (reqs.length === 0) w.write(0, "<none>\n");
        reqs.forEach((r, j) => {
          if (j > 0) w.write(2, "\t");
          const values = (r.values ?? []).length > 0 ? ` [${r.values!.join(", ")}]` : "";
          w.write(0, `${r.key} ${r.operator.toLowerCase()}${values}\n`);
        });
      });
    }
  }
  w.write(0, `Message:\t${pv.status?.message ?? ""}\n`);
  w.write(0, "Source:\n");
  if (pv.spec.hostPath) {
    w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${pv.spec.hostPath.path}\n    HostPathType:\t${pv.spec.hostPath.type ?? ""}\n`);
  } else if (pv.spec.local) {
    w.write(2, `Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t${pv.spec.local.path}\n`);
  } else if (pv.spec.csi) {
    const csi = pv.spec.csi;
    w.write(2, `Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t${csi.driver}\n    FSType:\t${csi.fsType ?? ""}\n    VolumeHandle:\t${csi.volumeHandle}\n    ReadOnly:\tfalse\n`);
    const attrs = csi.volumeAttributes ?? {};
    const keys = Object.keys(attrs).sort();
    w.write(2, "VolumeAttributes:\t");
    if (keys.length === 0) w.write(0, "<none>\n");
    keys.forEach((k, i) => {
      if (i > 0) w.write(2, "\t");
      const line = `${k}=${attrs[k]}`;
      w.write(2, `${line.length > 140 ? `${line.slice(0, 140)}...` : line}\n`);
    });
  } else {
    w.write(1, "<unknown>\n");
  }
  if (options.showEvents !== false) writeEvents(w, eventsFor(pv, lister), options.now);
  return w.text();
}

export function describeStorageClass(sc: StorageClass, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${sc.metadata.name}\n`);
  w.write(0, `IsDefaultClass:\t${isDefaultClass(sc) ? "Yes" : "No"}\n`);
  w.write(0, `Annotations:\t${formatLabels(sc.metadata.annotations)}\n`);
  w.write(0, `Provisioner:\t${sc.provisioner}\n`);
  w.write(0, `Parameters:\t${formatLabels(sc.parameters)}\n`);
  w.write(0, `AllowVolumeExpansion:\t${sc.allowVolumeExpansion === undefined ? "<unset>" : sc.allowVolumeExpansion ? "True" : "False"}\n`);
  const mountOptions = sc.mountOptions ?? [];
  if (mountOptions.length === 0) w.write(0, "MountOptions:\t<none>\n");
  else {
    w.write(0, "MountOptions:\n");
    for (const o of mountOptions) w.write(1, `${o}\n`);
  }
  w.write(0, `ReclaimPolicy:\t${sc.reclaimPolicy ?? "Delete"}\n`);
  w.write(0, `VolumeBindingMode:\t${sc.volumeBindingMode ?? "Immediate"}\n`);
  if (options.showEvents !== false) writeEvents(w, eventsFor(sc, lister), options.now);
  return w.text();
}
