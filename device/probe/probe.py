# The module check: one raw-REPL round trip, as few bytes as possible both
# ways (a slow UART carries them). Runs on QuecPython v1.12-era firmware:
# no f-strings, u-prefixed modules, every call guarded. It prints one JSON
# list; parse.go (v2Keys) names its items.
def _qpyhub_probe():
 import ujson
 x=[]
 def c(o,f,*a):
  if o:
   try:return getattr(o,f)(*a)
   except Exception as e:return{'error':repr(e)}
 try:import uos;u=[str(v)for v in uos.uname()]
 except Exception as e:u={'error':repr(e)}
 r=[2,x,u]
 for s in('modem getDevModel getDevImei getDevFwVersion getDevSN','sim getStatus getIccid getImsi getPhoneNumber','net csqQueryPoll getState operatorName getSignal getConfig','checkNet','dataCall'):
  s=s.split();o=0
  try:o=__import__(s[0])
  except Exception:x.append(s[0])
  r+=[c(o,f)for f in s[1:]]
 i=c(o,'getInfo',1,2)
 if type(i)!=tuple:i=c(o,'getInfo',1,0)
 d=[i]
 for p in 2,3:
  i=c(o,'getInfo',p,0)
  try:
   if i[2][0]==1:d+=[i]
  except Exception:pass
 print('QPYHUB-PROBE-BEGIN\n'+ujson.dumps(r+[d])+'\nQPYHUB-PROBE-END')
_qpyhub_probe()
