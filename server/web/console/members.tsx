/**
 * Members and roles (成员与角色), invitations, external contacts (外部联系人: persons, and
 * enterprises pending an administrator's review), and real-name status (实名认证) of the user and
 * the enterprise, with a person verification (name, ID number, SMS code to the account's mobile)
 * for a user who has not verified yet.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../shared/api-client.js';
import { Button, Field, Notice, useToast } from '../shared/components.js';
import { formatTime, useI18n } from '../shared/i18n.js';
import { ROLES, type MemberView, type VerificationView } from './console-api.js';
import { LoadView, PageHeader, ReasonDialog, Section, isAdmin, useConsole, useLoad, type Key } from './console-ui.js';

/** The members screen. */
export function MembersPage() {
  const { t } = useI18n<Key>();
  const { roles } = useConsole();
  return (
    <>
      <PageHeader title={t('members.title')} />
      <RealName />
      <Members admin={isAdmin(roles)} />
      <Contacts admin={isAdmin(roles)} />
    </>
  );
}

function RealNameBadge(props: { status: string }) {
  const { t } = useI18n<Key>();
  const tone = props.status === 'verified' ? 'ok' : props.status === 'pending' ? 'warn' : 'neutral';
  return <span class={`badge badge-${tone}`}>{t(`realName.${props.status}` as Key)}</span>;
}

function RealName() {
  const { t, lang } = useI18n<Key>();
  const { api, me, refreshMe } = useConsole();
  const [name, setName] = useState(me.user.name ?? '');
  const [idNumber, setIdNumber] = useState('');
  const [code, setCode] = useState('');
  const [v, setV] = useState<VerificationView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const start = async (e: Event) => {
    e.preventDefault();
    try {
      setV(await api.verifyPerson({ name: name.trim(), idNumber: idNumber.trim(), method: 'phone3' }));
      setError(undefined);
    } catch (err) {
      setError(errorText(err, t, lang));
    }
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    try {
      const done = await api.verificationCode(v!.id, code.trim());
      setV(done);
      if (done.status === 'passed') await refreshMe();
    } catch (err) {
      setError(errorText(err, t, lang));
    }
  };
  return (
    <Section title={t('realName.title')} id="real-name">
      <dl class="facts">
        <dt>{t('realName.me', { name: me.user.name ?? me.user.mobileMasked })}</dt>
        <dd><RealNameBadge status={me.user.realName.status} /> {me.user.realName.verifiedAt && <span class="muted">{formatTime(me.user.realName.verifiedAt, lang)}</span>}</dd>
        {me.currentEnterprise && <><dt>{me.currentEnterprise.name}</dt><dd><RealNameBadge status={me.currentEnterprise.realName.status} /></dd></>}
      </dl>
      {me.user.realName.status !== 'verified' && (
        !v ? (
          <form class="row-grid" onSubmit={(e) => void start(e)}>
            <Field id="rn-name" label={t('realName.name')}><input id="rn-name" class="input" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} /></Field>
            <Field id="rn-id" label={t('realName.idNumber')}><input id="rn-id" class="input mono" maxLength={18} value={idNumber} onInput={(e) => setIdNumber((e.currentTarget as HTMLInputElement).value)} /></Field>
            <div class="form-actions"><Button kind="primary" type="submit">{t('realName.start')}</Button></div>
          </form>
        ) : v.status === 'passed' ? <Notice tone="ok">{t('realName.passed')}</Notice> : (
          <form class="row-grid" onSubmit={(e) => void confirm(e)}>
            <Field id="rn-code" label={t('realName.code')} hint={v.mobileMasked ? t('realName.codeSent', { mobile: v.mobileMasked }) : undefined}><input id="rn-code" class="input" inputMode="numeric" maxLength={8} value={code} onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)} /></Field>
            <div class="form-actions"><Button kind="primary" type="submit">{t('realName.confirm')}</Button></div>
          </form>
        )
      )}
      {error && <Notice tone="bad" alert>{error}</Notice>}
    </Section>
  );
}

function Members(props: { admin: boolean }) {
  const { t, lang } = useI18n<Key>();
  const { api, me } = useConsole();
  const toast = useToast();
  const entId = me.currentEnterprise?.id;
  const members = useLoad(() => (entId ? api.members(entId) : Promise.resolve({ items: [] as MemberView[], total: 0 })), [entId]);
  const [editing, setEditing] = useState<{ userId: string; roles: Set<string> } | undefined>();
  const [mobile, setMobile] = useState('');
  const [inviteName, setInviteName] = useState('');
  const [inviteRole, setInviteRole] = useState<string>('member');
  if (!entId) return null;
  const saveRoles = async () => {
    try {
      await api.setRoles(entId, editing!.userId, [...editing!.roles]);
      toast(t('members.rolesSaved'), 'ok');
      setEditing(undefined);
      members.reload();
    } catch (err) {
      toast(errorText(err, t, lang), 'bad');
    }
  };
  return (
    <Section title={t('members.list')} id="members">
      <LoadView loaded={members.loaded} onRetry={members.reload}>
        {(data) => (
          <div class="table-wrap">
            <table class="data-table">
              <caption class="visually-hidden">{t('members.list')}</caption>
              <thead><tr><th scope="col">{t('members.name')}</th><th scope="col">{t('members.mobile')}</th><th scope="col">{t('members.roles')}</th><th scope="col">{t('members.realName')}</th>{props.admin && <th scope="col">{t('members.actions')}</th>}</tr></thead>
              <tbody>
                {data.items.map((m) => (
                  <tr key={m.userId} data-member={m.userId}>
                    <td>{m.name ?? '—'}</td>
                    <td class="mono">{m.mobileMasked}</td>
                    <td>
                      {editing?.userId === m.userId ? (
                        <fieldset class="checks">
                          <legend class="visually-hidden">{t('members.rolesOf', { name: m.name ?? m.mobileMasked })}</legend>
                          {ROLES.map((r) => (
                            <label key={r} class="check"><input type="checkbox" checked={editing.roles.has(r)} onChange={() => { const n = new Set(editing.roles); if (n.has(r)) n.delete(r); else n.add(r); setEditing({ ...editing, roles: n }); }} /><span>{t(`role.${r}` as Key)}</span></label>
                          ))}
                        </fieldset>
                      ) : m.roles.map((r) => <span key={r} class="label-chip">{t(`role.${r}` as Key)}</span>)}
                    </td>
                    <td><RealNameBadge status={m.realNameStatus} /></td>
                    {props.admin && (
                      <td>
                        {editing?.userId === m.userId
                          ? <><Button size="small" kind="primary" onClick={() => void saveRoles()}>{t('common.confirm')}</Button> <Button size="small" onClick={() => setEditing(undefined)}>{t('common.cancel')}</Button></>
                          : <Button size="small" label={t('members.editRoles', { name: m.name ?? m.mobileMasked })} onClick={() => setEditing({ userId: m.userId, roles: new Set(m.roles) })}>{t('members.edit')}</Button>}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadView>
      {props.admin && (
        <form class="row-grid invite" onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api.invite(entId, { mobile: mobile.trim(), ...(inviteName.trim() ? { name: inviteName.trim() } : {}), roles: [inviteRole] });
            toast(t('members.invited', { mobile }), 'ok');
            setMobile('');
            setInviteName('');
          } catch (err) {
            toast(errorText(err, t, lang), 'bad');
          }
        }}>
          <h3 class="form-title">{t('members.invite')}</h3>
          <Field id="inv-mobile" label={t('members.mobile')}><input id="inv-mobile" class="input" type="tel" value={mobile} onInput={(e) => setMobile((e.currentTarget as HTMLInputElement).value)} /></Field>
          <Field id="inv-name" label={t('members.name')}><input id="inv-name" class="input" value={inviteName} onInput={(e) => setInviteName((e.currentTarget as HTMLInputElement).value)} /></Field>
          <Field id="inv-role" label={t('members.roles')}>
            <select id="inv-role" class="input" value={inviteRole} onChange={(e) => setInviteRole((e.currentTarget as HTMLSelectElement).value)}>
              {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}` as Key)}</option>)}
            </select>
          </Field>
          <div class="form-actions"><Button kind="primary" type="submit">{t('members.sendInvite')}</Button></div>
        </form>
      )}
    </Section>
  );
}

function Contacts(props: { admin: boolean }) {
  const { t, lang } = useI18n<Key>();
  const { api } = useConsole();
  const toast = useToast();
  const contacts = useLoad(() => api.contacts(), []);
  const [kind, setKind] = useState<'person' | 'enterprise'>('person');
  const [name, setName] = useState('');
  const [idValue, setIdValue] = useState('');
  const [rejecting, setRejecting] = useState<string | undefined>();
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      if (kind === 'person') await api.addPerson(name.trim(), idValue.trim());
      else await api.addEnterprise(name.trim(), idValue.trim());
      toast(t('contacts.added'), 'ok');
      setName('');
      setIdValue('');
      contacts.reload();
    } catch (err) {
      toast(errorText(err, t, lang), 'bad');
    }
  };
  const review = async (id: string, approve: boolean, reason?: string) => {
    await api.review(id, approve, reason);
    contacts.reload();
  };
  return (
    <Section title={t('contacts.title')} id="contacts">
      <LoadView loaded={contacts.loaded} onRetry={contacts.reload}>
        {(data) => data.items.length === 0 ? <p class="muted">{t('contacts.empty')}</p> : (
          <ul class="contact-list">
            {data.items.map((c) => (
              <li key={c.id} data-contact={c.id}>
                <span class={`avatar${c.kind === 'enterprise' ? ' avatar-org' : ''}`} aria-hidden="true">{c.name.slice(0, 1)}</span>
                <span class="who"><b>{c.name}</b><small class="mono">{c.kind === 'person' ? c.mobileMasked : c.uscc}</small>{c.rejectReason && <small>{t('contacts.rejectedFor', { reason: c.rejectReason })}</small>}</span>
                <span class={`badge badge-${c.status === 'approved' || c.status === 'active' ? 'ok' : c.status === 'rejected' ? 'bad' : 'warn'}`}>{t(`contacts.status.${c.status}` as Key)}</span>
                {props.admin && c.kind === 'enterprise' && c.status === 'pending' && (
                  <span class="review-actions">
                    <Button size="small" kind="primary" label={t('contacts.approveOne', { name: c.name })} onClick={() => void review(c.id, true).catch((err: unknown) => toast(errorText(err, t, lang), 'bad'))}>{t('contacts.approve')}</Button>
                    <Button size="small" kind="danger" label={t('contacts.rejectOne', { name: c.name })} onClick={() => setRejecting(c.id)}>{t('contacts.reject')}</Button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </LoadView>
      <form class="row-grid" onSubmit={(e) => void add(e)}>
        <h3 class="form-title">{t('contacts.add')}</h3>
        <Field id="ct-kind" label={t('contacts.kind')}>
          <select id="ct-kind" class="input" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as 'person')}>
            <option value="person">{t('contacts.person')}</option>
            <option value="enterprise">{t('contacts.enterprise')}</option>
          </select>
        </Field>
        <Field id="ct-name" label={kind === 'person' ? t('members.name') : t('contacts.entName')}><input id="ct-name" class="input" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} /></Field>
        <Field id="ct-id" label={kind === 'person' ? t('members.mobile') : t('contacts.uscc')}><input id="ct-id" class="input mono" value={idValue} onInput={(e) => setIdValue((e.currentTarget as HTMLInputElement).value)} /></Field>
        <div class="form-actions"><Button type="submit">{t('contacts.addSubmit')}</Button></div>
      </form>
      {rejecting && <ReasonDialog title={t('contacts.reject')} label={t('contacts.rejectReason')} confirm={t('contacts.reject')} danger onClose={() => setRejecting(undefined)} onSubmit={(r) => review(rejecting, false, r)} />}
    </Section>
  );
}
