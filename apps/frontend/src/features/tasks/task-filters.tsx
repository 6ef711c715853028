"use client";

import type { Priority, Tag } from "@todo/contracts";
import { useEffect, useState } from "react";
import {
  DEFAULT_ORDER,
  type Filters,
  initialFilters,
  isFiltered,
  SORTS,
  type Sort,
} from "./task-filter-model";

interface TaskFiltersProps {
  filters: Filters;
  /** Status, sort and order belong to the All view; the others fix them. */
  full: boolean;
  /** Applied to the latest filters, so quick successive changes all count. */
  onChange: (patch: Partial<Filters>) => void;
  priorities: Priority[];
  tags: Tag[];
}

/** Search, status, priority, tag, sort and order; search waits for a pause in typing. */
export function TaskFilters({ filters, full, onChange, priorities, tags }: TaskFiltersProps) {
  const [searchText, setSearchText] = useState(filters.search);
  // On a phone the selects fold away behind one button; search stays.
  const [open, setOpen] = useState(false);
  const active = [filters.status, filters.priorityId, filters.tagId].filter(Boolean).length;
  const update = onChange;

  // Search as you type, without a request per keystroke.
  useEffect(() => {
    if (searchText === filters.search) return;
    const timer = setTimeout(() => onChange({ search: searchText }), 250);
    return () => clearTimeout(timer);
  }, [searchText, filters.search, onChange]);

  return (
    <search className={`filters${open ? " filters-open" : ""}`} aria-label="Filter and sort tasks">
      <div className="field">
        <label htmlFor="filter-search">Search</label>
        <input
          id="filter-search"
          type="search"
          placeholder="Title or description"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
        />
      </div>
      <button
        type="button"
        className="button filters-toggle"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? "Hide filters" : active > 0 ? `Filters (${active})` : "Filters"}
      </button>
      {full ? (
        <FilterSelect
          id="filter-status"
          label="Status"
          value={filters.status}
          onChange={(status) => update({ status: status as Filters["status"] })}
          options={[
            { value: "", label: "All" },
            { value: "pending", label: "Pending" },
            { value: "completed", label: "Completed" },
          ]}
        />
      ) : null}
      <FilterSelect
        id="filter-priority"
        label="Priority"
        value={filters.priorityId}
        onChange={(priorityId) => update({ priorityId })}
        options={[
          { value: "", label: "Any" },
          ...priorities.map((p) => ({ value: String(p.id), label: p.name })),
        ]}
      />
      <FilterSelect
        id="filter-tag"
        label="Tag"
        value={filters.tagId}
        onChange={(tagId) => update({ tagId })}
        options={[{ value: "", label: "Any" }, ...tags.map((t) => ({ value: String(t.id), label: t.name }))]}
      />
      {full ? (
        <>
          <FilterSelect
            id="filter-sort"
            label="Sort by"
            value={filters.sort}
            onChange={(sort) => update({ sort: sort as Sort, order: DEFAULT_ORDER[sort as Sort] })}
            options={SORTS}
          />
          <FilterSelect
            id="filter-order"
            label="Order"
            value={filters.order}
            onChange={(order) => update({ order: order as Filters["order"] })}
            options={[
              { value: "asc", label: "Ascending" },
              { value: "desc", label: "Descending" },
            ]}
          />
        </>
      ) : null}
      {isFiltered(filters) ? (
        <button
          type="button"
          className="button button-quiet filters-reset"
          onClick={() => {
            setSearchText("");
            onChange({ ...initialFilters, sort: filters.sort, order: filters.order });
          }}
        >
          Clear filters
        </button>
      ) : null}
    </search>
  );
}

interface FilterSelectProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { value: string; label: string }[];
}

function FilterSelect({ id, label, value, onChange, options }: FilterSelectProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
