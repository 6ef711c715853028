"use client";

import type { Tag } from "@todo/contracts";
import { useEffect, useRef, useState } from "react";

/** Shows colors live while picking and saves once, on the native change event (the picker closed). */
export function ColorPicker({
  tag,
  disabled,
  onPick,
}: {
  tag: Tag;
  disabled: boolean;
  onPick: (color: string) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const [color, setColor] = useState(tag.color.toLowerCase());
  const latest = useRef({ tag, onPick });
  latest.current = { tag, onPick };
  useEffect(() => setColor(tag.color.toLowerCase()), [tag.color]);
  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    const onChange = () => {
      const picked = input.value.toUpperCase();
      if (picked !== latest.current.tag.color.toUpperCase()) latest.current.onPick(picked);
    };
    input.addEventListener("change", onChange);
    return () => input.removeEventListener("change", onChange);
  }, []);
  return (
    <label className="color-label">
      <span className="visually-hidden">Color of “{tag.name}”</span>
      <input
        ref={ref}
        type="color"
        value={color}
        disabled={disabled}
        onChange={(e) => setColor(e.target.value)}
      />
    </label>
  );
}
